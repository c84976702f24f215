import { type CatalogErrorName, ERROR_CATALOG, type ErrorEntry, matchedNames } from '../../lib/release/errors-catalog';
import { type AslMachine, type AslRetrier, backoffText } from '../../lib/diagram/mermaid';

/**
 * The runbook's error table (docs/runbook.md, between the markers): one row per catalog entry, its
 * retry column read from the state machine, so neither the catalog nor the page copies a backoff.
 */
export const ERRORS_FILE = 'docs/runbook.md';
export const ERRORS_START = '<!-- errors:start -->';
export const ERRORS_END = '<!-- errors:end -->';

/** Every Retry of every state, nested ones (Map, Parallel) included, with the state that holds it. */
export function aslRetriers(machine: AslMachine): { state: string; retrier: AslRetrier }[] {
  return Object.entries(machine.States).flatMap(([state, s]) => [
    ...(s.Retry ?? []).map((retrier) => ({ state, retrier })),
    ...[...(s.Branches ?? []), s.ItemProcessor ?? s.Iterator].filter((m) => m !== undefined).flatMap(aslRetriers),
  ]);
}

/** `no`, or `yes: <backoff>, <n>×` with the states when they retry it differently. */
function retriedCell(name: CatalogErrorName, machine: AslMachine): string {
  const names = matchedNames(name);
  const byShape = new Map<string, string[]>();
  for (const { state, retrier } of aslRetriers(machine)) {
    if (!retrier.ErrorEquals.some((e) => names.includes(e))) continue;
    const shape = `${backoffText(retrier)}, ${retrier.MaxAttempts ?? 3}×`;
    byShape.set(shape, [...(byShape.get(shape) ?? []), state]);
  }
  if (byShape.size === 0) return 'no';
  const shapes = [...byShape];
  if (shapes.length === 1) return `yes: ${shapes[0]![0]}`;
  return `yes: ${shapes.map(([shape, states]) => `${shape} (${[...new Set(states)].join(', ')})`).join('; ')}`;
}

export function errorsTableBlock(machine: AslMachine): string {
  const rows = (Object.entries(ERROR_CATALOG) as [CatalogErrorName, ErrorEntry][]).map(([name, e]) => {
    const meaning = e.names ? `${e.meaning}: ${e.names.map((n) => `\`${n}\``).join(', ')}` : e.meaning;
    const redrive = e.redrivable ? 'yes' : 'no: new release';
    return `| \`${name}\` | ${meaning} | ${retriedCell(name, machine)} | ${redrive} | ${e.action} |`;
  });
  return [
    '<!-- generated from lib/release/errors-catalog.ts and statemachines/release.asl.json by `npm run docs`; do not edit by hand -->',
    '| error | meaning | retried? | redrive? | what to do |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
