import { readableCause } from '../../lib/clients/sfn';
import { redriveAdvice } from '../../lib/release/redrive-policy';

/**
 * `pkgrelease logs` / `local logs`: an execution's history, one line per event, with the state
 * names and, under each failure, its error, readable cause and what to do next (the events come
 * from lib/operations/history.ts).
 */
type EventLike = { id?: number; type?: string; timestamp?: Date | number | string } & Record<string, unknown>;

function details(event: EventLike): { name?: string; error?: string; cause?: string } {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') return value as { name?: string; error?: string; cause?: string };
  }
  return {};
}

function time(t: EventLike['timestamp']): string {
  if (t === undefined) return '';
  const date = t instanceof Date ? t : new Date(typeof t === 'number' ? t * 1000 : t);
  return date.toISOString().slice(11, 23);
}

export function renderHistory(events: readonly EventLike[]): string {
  const lines: string[] = [];
  for (const e of events) {
    const d = details(e);
    lines.push(`${String(e.id ?? '').padStart(3)}  ${time(e.timestamp)}  ${(e.type ?? '').padEnd(24)} ${d.name ?? ''}`.trimEnd());
    if (d.error || d.cause) {
      lines.push(`       error: ${d.error ?? '-'}`);
      const cause = readableCause(d.cause);
      if (cause) lines.push(`       cause: ${cause.replace(/\s+/g, ' ')}`);
      if (e.type === 'ExecutionFailed') lines.push(`       next:  ${redriveAdvice(d.error).action}`);
    }
  }
  return lines.join('\n');
}
