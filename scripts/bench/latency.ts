/**
 * `npm run bench:latency`: how long a release waits beyond the AWS work it waits for, in simulated
 * time, for the state machine's poll Retry shapes and, in the same run, for the fixed 30 s polls
 * they replace (the same ASL with only those retriers swapped back).
 *
 * Releases run on the local twin with AWS-like durations (import, association, ZIP-PLUGIN
 * blue/green), each drawn with jitter, compressed by `--scale` (retry delays and the twin's
 * durations alike). One package and domain per release stream, all packages at once, so no lease
 * is shared: each package's first release (no learned durations yet), then `--repeat` later
 * releases one after the other (each waits first for what the package's last releases took, see
 * lib/release/poll-timing.ts). First and later releases are reported apart.
 *
 * Per release: wait overhead = for each wait, (when the check that saw the work done returned) −
 * (when AWS finished it), summed; it includes that last check's own run. e2e − AWS work is shown
 * too: it adds every other step's local run time divided by the scale (a 10 ms handler reads as
 * 0.5 s at 0.02), which is the laptop's speed, not the pipeline's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { replaceBetweenMarkers } from '../../lib/diagram/mermaid';
import { POLL_ERROR_NAMES } from '../../lib/release/errors-catalog';
import { loadDefinitionText } from '../../local/engine/definition';
import type { ExecutionRecord } from '../../local/engine/executions';
import { LocalSession } from '../../local/session';
import { costPer1000, lambdaMemoryMb } from './aws-cost.mjs';

const OPTIONS = {
  releases: { type: 'string', default: '20', help: 'packages per shape (one domain each), each with a first release' },
  repeat: { type: 'string', default: '3', help: 'later releases per package, one after the other, after its first' },
  'plugin-share': { type: 'string', default: '0.3', help: 'share of ZIP-PLUGIN packages (blue/green), the rest TXT-DICTIONARY' },
  'import-s': { type: 'string', default: '90', help: 'OpenSearch import duration, AWS seconds' },
  'association-s': { type: 'string', default: '360', help: 'domain association duration (TXT-DICTIONARY), AWS seconds' },
  'blue-green-s': { type: 'string', default: '1500', help: 'ZIP-PLUGIN association (blue/green deployment), AWS seconds' },
  jitter: { type: 'string', default: '0.3', help: 'each duration × uniform [1 − jitter, 1 + jitter]' },
  scale: { type: 'string', default: '0.02', help: 'simulated seconds → wall seconds (0.02: a 25 min blue/green takes 30 s)' },
  seed: { type: 'string', default: '1', help: 'twin seed (package ids, duration draws)' },
  runs: { type: 'string', default: '1', help: 'whole comparisons in a row (a shared machine is noisy): each run\'s table, and the median of the runs' },
  'no-write': { type: 'boolean', default: false, help: 'print the table, leave docs/benchmarks.md alone' },
  help: { type: 'boolean', default: false, help: 'print these options' },
} as const;

/** Why the first wait is what meets the transitions goal (written under the table). */
const TRADE_OFF = [
  'Polls and overhead trade against each other: a poll that does not know when the work ends finds it done, on average, half a',
  'poll interval late (a third of the cap with full jitter, whose delays average half the cap). A wait of T seconds polled at',
  'interval s costs about T/s polls for s/2 of overhead, so their product is fixed per wait (T/2; 2T/3 with full jitter). For a',
  'dictionary release (90 s import + 6 min association) 10 s of overhead takes at least (sqrt 90 + sqrt 360)² × 2/3 / 10 ≈ 54',
  'polls with full jitter, against the fixed polls\' ~14 for ~31 s: about 2.8× the transitions, whatever the backoff shape.',
  'That is what a package\'s first release pays (the "first release" rows): nothing is known about its work yet.',
  '',
  'Later releases know roughly when the work ends. The checks record how long each import and each domain association',
  '(blue/green for ZIP-PLUGIN) of the package took, its last 5 runs (lib/release/poll-timing.ts); UpdateOpenSearch and',
  'ApplyToDomains then return a first wait of a share of the fastest of them, less what already elapsed, which the state',
  'machine sleeps in one Wait state (WaitForImport, WaitForDomains) before its check polls as before. The share grows with',
  'the runs seen — 60 % of one, 70 % of two or three, 80 % of four or five — because the fastest of few runs says little about',
  'how fast the next can be (with ±30 % jitter, 80 % of a single run overshoots about one wait in five). The polls then cover',
  'only the last 20-40 % of the work, so the same caps keep the overhead while the transitions drop below the fixed polls\'.',
  'The first wait overshoots — adds overhead — only when the work runs more than 20 % (with fewer than 4 runs seen: 30-40 %)',
  'faster than its fastest recent run. It is advisory: the check decides what is done, a failed read or write of the',
  'durations means no first wait, it never takes more than half of its wait\'s bound, and the package\'s lease is kept',
  'through it. The durations cost 4 DynamoDB reads and up to 4 writes per release, counted in the backoff rows\' cost.',
].join('\n');

export const LATENCY_MARKERS = { start: '<!-- latency-bench:start -->', end: '<!-- latency-bench:end -->' };
const DOC = new URL('../../docs/benchmarks.md', import.meta.url);
/** The fixed poll every wait used before: 30 s, no backoff, no jitter. */
const FIXED_30S = { IntervalSeconds: 30, BackoffRate: 1 };

export function usage(): string {
  const lines = Object.entries(OPTIONS).map(([name, o]) => `  --${name}${o.type === 'string' ? ` <${o.default}>` : ''}`.padEnd(28) + o.help);
  return ['Usage: npm run bench:latency -- [options]', '', 'Releases on the twin in simulated time: the pipeline\'s wait overhead with the ASL\'s first waits and poll backoff vs fixed 30 s polls, for each package\'s first release and its later ones.', '', ...lines].join('\n');
}

/**
 * The ASL as it was: every poll retrier back to a fixed 30 s interval (attempts as they were: 60 for
 * the import, 220 for domains), and no first wait (each SecondsPath Wait state taken out).
 */
export function fixedPollDefinition(text: string): string {
  const asl = JSON.parse(text) as { States: Record<string, { Type: string; Next?: string; SecondsPath?: string; Retry?: Record<string, unknown>[] }> };
  const firstWaits = Object.entries(asl.States).filter(([, st]) => st.Type === 'Wait' && st.SecondsPath !== undefined);
  for (const [name, wait] of firstWaits) {
    for (const state of Object.values(asl.States)) if (state.Next === name) state.Next = wait.Next;
    delete asl.States[name];
  }
  for (const state of Object.values(asl.States)) {
    for (const [i, r] of (state.Retry ?? []).entries()) {
      const names = r.ErrorEquals as string[];
      if (!names.every((n) => n in POLL_ERROR_NAMES)) continue;
      state.Retry![i] = { ErrorEquals: names, ...FIXED_30S, MaxAttempts: names.includes('OpenSearchNotReady') ? 60 : 220 };
    }
  }
  return JSON.stringify(asl, null, 2);
}

interface Spec {
  releases: number;
  repeat: number;
  pluginShare: number;
  importS: number;
  associationS: number;
  blueGreenS: number;
  jitter: number;
  scale: number;
  seed: number;
}

interface ReleaseFigures {
  type: string;
  /** The package's first release (no learned durations), or a later one. */
  later: boolean;
  status: string;
  awsWorkS: number;
  waitOverheadS: number;
  e2eOverheadS: number;
  transitions: number;
  invocations: number;
}

const sec = (iso: string | undefined) => (iso ? Date.parse(iso) : NaN);

async function runShape(spec: Spec, definitionText: string): Promise<ReleaseFigures[]> {
  const names = Array.from({ length: spec.releases }, (_, i) => `lat-${String(i + 1).padStart(3, '0')}`);
  const typeOf = (i: number) => (i < Math.round(spec.releases * spec.pluginShare) ? 'ZIP-PLUGIN' : 'TXT-DICTIONARY');
  const ms = (awsSeconds: number) => awsSeconds * 1000 * spec.scale;
  const session = await LocalSession.start({
    config: { packages: Object.fromEntries(names.map((n) => [n, { opensearchPackage: n, defaultVersionPolicy: 'if-newer' as const }])) },
    seed: spec.seed,
    timeScale: spec.scale,
    definitionText,
    opensearchTiming: { copyingMs: ms(spec.importS) / 3, validatingMs: (ms(spec.importS) * 2) / 3, associatingMs: ms(spec.associationS), pluginAssociatingMs: ms(spec.blueGreenS), jitter: spec.jitter },
  });
  try {
    const content = (i: number, v: string) => (typeOf(i) === 'ZIP-PLUGIN' ? Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(`${names[i]} ${v}`)]) : `${names[i]} ${v}\nlaptop, notebook\n`);
    await Promise.all(names.map((n, i) => session.createOpenSearchPackage(n, typeOf(i), content(i, '1.0.0'))));
    for (const n of names) await session.createDomain({ name: `d-${n}`, packages: [n] });
    const figures: ReleaseFigures[] = [];
    for (let round = 0; round <= spec.repeat; round++) {
      const version = `1.${round + 1}.0`;
      process.stderr.write(`  round ${round + 1}/${spec.repeat + 1} (${round === 0 ? 'first releases' : 'later releases'})…\n`);
      const before = new Set(session.engine.list().map((e) => e.name));
      await Promise.all(names.map((n, i) => session.upload(`releases/${n}/${version}/${typeOf(i) === 'ZIP-PLUGIN' ? 'plugin.zip' : 'synonyms.txt'}`, content(i, version))));
      await session.settled();
      // Read before the next round: each package's last import and each domain's last activation are this round's.
      figures.push(...roundFigures(session, session.engine.list().filter((e) => !before.has(e.name)), round > 0));
    }
    return figures;
  } finally {
    await session.close();
  }

  function roundFigures(session: LocalSession, executions: ExecutionRecord[], later: boolean): ReleaseFigures[] {
    const catalog = session.twin.catalog();
    return executions.map((e) => {
      const name = names.find((n) => e.name.includes(n)) ?? packageOf(e);
      const i = names.indexOf(name);
      const pkg = catalog.opensearch[name]!;
      const imported = pkg.history.at(-1)!;
      const importEnd = sec(pkg.served.at(-1)?.at);
      const activeAt = sec(catalog.domains[`d-${name}`]!.timeline.at(-1)?.activeAt);
      const state = (s: string) => e.states.find((x) => x.name === s);
      const applied = sec(state('ApplyToDomains')?.stoppedDate);
      const awsMs = importEnd - sec(imported.createdAt) + (activeAt - applied);
      const waitMs = sec(state('CheckOpenSearch')?.stoppedDate) - importEnd + (sec(state('CheckDomains')?.stoppedDate) - activeAt);
      const e2eMs = sec(e.stopDate) - sec(e.startDate);
      const retries = e.states.reduce((n, s) => n + s.retries, 0);
      const tasks = e.states.filter((s) => s.type === 'Task');
      const toAws = (wallMs: number) => wallMs / spec.scale / 1000;
      return {
        type: typeOf(i),
        later,
        status: e.status,
        awsWorkS: toAws(awsMs),
        waitOverheadS: toAws(waitMs),
        e2eOverheadS: toAws(e2eMs - awsMs),
        transitions: e.states.length + retries,
        invocations: tasks.length + tasks.reduce((n, s) => n + s.retries, 0) + 1,
      };
    });
  }
}

function packageOf(e: ExecutionRecord): string {
  return String((e.states[0]?.output as { packageName?: string } | undefined)?.packageName ?? '');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

type Releases = 'first' | 'later';

interface Row {
  shape: string;
  /** A package's first release, or its later ones. */
  releases: Releases;
  group: string;
  n: number;
  succeeded: number;
  medianS: number;
  p95S: number;
  p95Pct: number;
  e2eMedianS: number;
  transitions: number;
  costPer1k: number;
}

/** Per release, the durations' DynamoDB requests (lib/release/poll-timing.ts): 4 reads, 2 writes, and the lease kept through the first waits (up to 2 writes). */
const DURATIONS_REQUESTS = { storeReads: 4, storeWrites: 4 };

function summarize(shape: string, releases: Releases, group: string, rs: ReleaseFigures[], memoryMb: number): Row {
  const transitions = rs.reduce((n, r) => n + r.transitions, 0) / rs.length;
  const invocations = rs.reduce((n, r) => n + r.invocations, 0) / rs.length;
  return {
    shape,
    releases,
    group,
    n: rs.length,
    succeeded: rs.filter((r) => r.status === 'SUCCEEDED').length,
    medianS: percentile(rs.map((r) => r.waitOverheadS), 50),
    p95S: percentile(rs.map((r) => r.waitOverheadS), 95),
    p95Pct: percentile(rs.map((r) => (100 * r.waitOverheadS) / r.awsWorkS), 95),
    e2eMedianS: percentile(rs.map((r) => r.e2eOverheadS), 50),
    transitions,
    costPer1k: costPer1000({ transitions, invocations, memoryMb, ...(shape === BACKOFF && DURATIONS_REQUESTS) }).total,
  };
}

const FIXED = 'fixed 30 s';
const BACKOFF = 'backoff (ASL)';
const RELEASES_LABEL: Record<Releases, string> = { first: 'first release of a package', later: 'later releases' };

/** Rows of several runs → one row per shape, releases and group: each figure's median across the runs. */
export function medianRows(runs: Row[][]): Row[] {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  return runs[0]!.map((row) => {
    const same = runs.map((rows) => rows.find((r) => r.shape === row.shape && r.releases === row.releases && r.group === row.group)!);
    const m = (k: 'medianS' | 'p95S' | 'p95Pct' | 'e2eMedianS' | 'transitions' | 'costPer1k') => median(same.map((r) => r[k]));
    return { ...row, n: same.reduce((n, r) => n + r.n, 0), succeeded: same.reduce((n, r) => n + r.succeeded, 0), medianS: m('medianS'), p95S: m('p95S'), p95Pct: m('p95Pct'), e2eMedianS: m('e2eMedianS'), transitions: m('transitions'), costPer1k: m('costPer1k') };
  });
}

export function table(rows: Row[], header: string): string {
  const f = (v: number, d = 1) => v.toFixed(d);
  const today = (r: Row) => rows.find((x) => x.shape === FIXED && x.releases === r.releases && x.group === r.group)!;
  const lines = [
    header,
    '',
    '| polls | releases | package type | succeeded | wait overhead median s | p95 s | p95 % of AWS work | e2e − AWS work median s | transitions/release | × today | AWS $ per 1k releases |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.shape} | ${RELEASES_LABEL[r.releases]} | ${r.group} | ${r.succeeded}/${r.n} | ${f(r.medianS)} | ${f(r.p95S)} | ${f(r.p95Pct, 2)} | ${f(r.e2eMedianS)} | ${f(r.transitions)} | ${f(r.transitions / today(r).transitions, 2)} | $${f(r.costPer1k, 3)} |`),
    '',
    ...goals(rows),
  ];
  return lines.join('\n');
}

function describeSpec(spec: Spec, startedAt: string, loads: [number, number]): string {
  const f = (v: number, d = 1) => v.toFixed(d);
  return `pkgrelease latency benchmark — ${startedAt} UTC — ${spec.releases} packages per shape (${f(spec.pluginShare * 100, 0)}% ZIP-PLUGIN), each a first release then ${spec.repeat} later ones, AWS durations import ${spec.importS} s, association ${spec.associationS} s, blue/green ${spec.blueGreenS} s, each ±${f(spec.jitter * 100, 0)}%, time scale ${spec.scale}, seed ${spec.seed}, load average ${f(loads[0])} before / ${f(loads[1])} after`;
}

const LEGEND =
  "Wait overhead: per release, for the import and the domain association, the time from AWS finishing the work to the check that saw it returning, in AWS seconds (a first wait that outlasts the work counts too). e2e − AWS work also counts every step's local run time divided by the scale. × today: against the fixed 30 s polls' release of the same kind (first or later) and package type, in the same run; those have no first wait, as before. Cost: Step Functions transitions and Lambda requests, and for the backoff rows the durations' DynamoDB requests (scripts/bench/aws-cost.mjs).";

/**
 * The goal — overhead ≤ 10 s at the median, ≤ 5 % at p95, transitions ≤ 1.5× the fixed
 * polls' — judged on later releases (a release engineer's steady state), and said as it is for a
 * package's first release, which knows nothing of its work yet.
 */
export function goals(rows: Row[]): string[] {
  const check = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const line = (releases: Releases, title: string) => {
    const now = rows.find((r) => r.shape === BACKOFF && r.releases === releases && r.group === 'all');
    const before = rows.find((r) => r.shape === FIXED && r.releases === releases && r.group === 'all');
    if (!now || !before) return [];
    const ratio = now.transitions / before.transitions;
    return [`${title}: wait overhead ≤ 10 s at the median — ${check(now.medianS <= 10)} (${now.medianS.toFixed(1)} s); ≤ 5 % at p95 — ${check(now.p95Pct <= 5)} (${now.p95Pct.toFixed(2)} %); transitions ≤ 1.5× the fixed polls' — ${check(ratio <= 1.5)} (${ratio.toFixed(2)}×).`];
  };
  const later = line('later', 'Goal (later releases of a package, the steady state)');
  const first = line('first', 'First release of a package (no learned durations yet), against the same goal');
  return later.length && first.length ? [...later, '', ...first] : [...later, ...first];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: Object.fromEntries(Object.entries(OPTIONS).map(([k, o]) => [k, { type: o.type, default: o.default }])) as never, strict: true });
  const v = values as Record<string, string | boolean>;
  if (v.help) {
    console.log(usage());
    return;
  }
  const num = (k: string) => {
    const n = Number(v[k]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${k} must be a non-negative number (got ${String(v[k])})`);
    return n;
  };
  const spec: Spec = { releases: num('releases'), repeat: Math.floor(num('repeat')), pluginShare: num('plugin-share'), importS: num('import-s'), associationS: num('association-s'), blueGreenS: num('blue-green-s'), jitter: num('jitter'), scale: num('scale'), seed: num('seed') };
  const runs = Math.max(1, Math.floor(num('runs')));
  const { loadavg } = await import('node:os');
  const memoryMb = Math.max(...Object.values(lambdaMemoryMb(new URL('../..', import.meta.url).pathname) as Record<string, number>));
  const text = loadDefinitionText();
  const tables: string[] = [];
  const all: Row[][] = [];
  const startedAt = new Date().toISOString().slice(0, 16).replace('T', ' ');
  for (let run = 1; run <= runs; run++) {
    const before = loadavg()[0]!;
    const runStartedAt = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const rows: Row[] = [];
    for (const [shape, definition] of [[FIXED, fixedPollDefinition(text)], [BACKOFF, text]] as const) {
      process.stderr.write(`run ${run}/${runs}, ${shape}: ${spec.releases} packages × ${spec.repeat + 1} releases…\n`);
      const figures = await runShape(spec, definition);
      for (const releases of ['first', 'later'] as const) {
        for (const group of ['all', 'TXT-DICTIONARY', 'ZIP-PLUGIN']) {
          const rs = figures.filter((r) => r.later === (releases === 'later') && (group === 'all' || r.type === group));
          if (rs.length) rows.push(summarize(shape, releases, group, rs, memoryMb));
        }
      }
    }
    all.push(rows);
    tables.push(table(rows, `Run ${run} of ${runs}: ${describeSpec(spec, runStartedAt, [before, loadavg()[0]!])}`));
    console.log(`${tables.at(-1)}\n`);
  }
  const out = runs === 1 ? tables[0]! : [table(medianRows(all), `Median of ${runs} runs (started ${startedAt} UTC): each figure is the median of the runs' figures; "succeeded" sums them.`), ...tables].join('\n\n');
  if (runs > 1) console.log(out.split('\n\nRun 1 of')[0]);
  if (!v['no-write']) {
    const doc = readFileSync(DOC, 'utf8');
    const block = `\n## Latency in simulated time\n\nProduced by \`npm run bench:latency\` (scripts/bench/latency.ts).\n\n${out}\n\n${LEGEND}\n\n${TRADE_OFF}\n`;
    const next = replaceBetweenMarkers(doc, LATENCY_MARKERS.start, LATENCY_MARKERS.end, block) ?? `${doc.trimEnd()}\n\n${LATENCY_MARKERS.start}\n${block.trim()}\n${LATENCY_MARKERS.end}\n`;
    writeFileSync(DOC, next);
    process.stderr.write('wrote docs/benchmarks.md\n');
  }
  if (all.flat().some((r) => r.succeeded < r.n)) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: Error) => {
    console.error(`bench:latency: ${e.message}\n\n${usage()}`);
    process.exitCode = 2;
  });
}
