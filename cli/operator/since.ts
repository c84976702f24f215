import { UsageError } from '../errors';

/** `--since`: a duration back from now (`90m`, `24h`, `7d`, `2w`) or an ISO-8601 date/time. */
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export function parseSince(text: string, now: Date = new Date()): Date {
  const m = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(text.trim());
  if (m) return new Date(now.getTime() - Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
  const date = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(`--since "${text}" is neither a duration (90m, 24h, 7d, 2w) nor an ISO date (2025-01-31 or 2025-01-31T12:00:00Z)`);
  }
  return date;
}
