import { appendToList, dropListHead, getItem, setAttribute } from '../clients/dynamodb';
import type { DomainReport } from './domain-state';
import { holdLeaseThrough, type LeaseStore, openSearchLeaseKey } from './lease';

/**
 * Polls that know roughly when the work ends. A poll that does not know finds the work done, on
 * average, half an interval late, so polls × overhead is fixed per wait (docs/benchmarks.md). Each
 * OpenSearch package's last durations break that: the step that starts the work (UpdateOpenSearch,
 * ApplyToDomains) returns `firstPollSeconds`, a first wait of 60–80 % of the fastest recent run
 * (FIRST_WAIT_PERCENT), which the state machine sleeps (a Wait state, one transition) before its
 * check polls as before.
 *
 * Advisory only, never a correctness input: the check decides what is done, a wait that is too
 * short costs polls, one that is too long costs overhead (only when the work runs more than 20 %
 * faster than its fastest recent run; 30–40 % while fewer than 4 runs were seen), and a failed read
 * or write of the durations means no first wait.
 *
 * The durations live in the table of the leases and idempotency records, one item per OpenSearch
 * package (never with the table's TTL attribute), one attribute per kind of work holding its recent
 * durations in seconds, oldest first, of which the last KEPT_OBSERVATIONS count. A write is one
 * atomic append (no read first: two releases of one package are serialized by its lease anyway, but
 * a redrive days later or a lease taken back after expiry must not drop another's observation);
 * once a list holds TRIM_AT it is cut back to the last KEPT_OBSERVATIONS, by a removal that only
 * applies while nobody appended since.
 */
export type WorkKind = 'import' | 'association' | 'blueGreen';

export const KEPT_OBSERVATIONS = 5;
/** A list is cut back once it is this long: one extra write per KEPT_OBSERVATIONS + 1 records. */
export const TRIM_AT = 2 * KEPT_OBSERVATIONS;
/**
 * The first wait, as a share of the fastest of the last observations, by how many there are: the
 * fewer runs seen, the less the fastest of them says about how fast the next can be (with one run
 * seen, the next one is as likely faster as slower). With 4 or 5 runs seen: 80 %.
 */
export const FIRST_WAIT_PERCENT = [60, 70, 70, 80, 80] as const;
/**
 * What bounds each wait: the import's polls (CheckOpenSearch's OpenSearchNotReady retrier, 450
 * attempts at most 8 s apart) and the domains' budget (config `domainWaitMinutes`, counted from
 * ApplyToDomains). A first wait takes at most half of it, so a bad record (a replayed result, an
 * item edited by hand) never makes a release wait past its bound: the polls keep the other half.
 */
export const IMPORT_WAIT_BOUND_SECONDS = 450 * 8;
const MAX_SHARE_OF_BOUND = 0.5;

export type DurationStore = Pick<LeaseStore, 'dynamodb' | 'table'>;

export interface PollTimingDeps {
  /** The table of the leases: the durations' item, and the lease kept through a first wait. */
  store: LeaseStore;
  /** Says what went wrong with an advisory read or write (the handler logs it); the release goes on. */
  warn: (message: string, error: unknown) => void;
  /** Wall seconds per state machine second: 1 on AWS, the engine's scale locally (lib/lambda/poll-timing-deps.ts). */
  timeScale: number;
  now?: () => number;
}

/** Seconds since an epoch-ms time, in the state machine's seconds (the unit of its Wait states). */
function secondsSince(sinceMs: number, deps: PollTimingDeps): number {
  return Math.max(0, ((deps.now ?? Date.now)() - sinceMs) / 1000) / deps.timeScale;
}

/** The durations' item id (the lease is `lease#opensearch-package#…`, Powertools ids `<function>#<hash>`). */
export function durationsKey(opensearchPackage: string): string {
  return `durations#opensearch-package#${opensearchPackage}`;
}

/** A ZIP-PLUGIN association is a blue/green deployment: learned apart from a dictionary's. */
export function associationKind(packageType: string | undefined): WorkKind {
  return packageType === 'ZIP-PLUGIN' ? 'blueGreen' : 'association';
}

/**
 * max(0, share × the fastest of the last observations − what already elapsed), whole seconds (a
 * Wait's SecondsPath takes a non-negative integer), at most half of `boundSeconds`; 0 with no
 * history. The share grows from 60 % (one run seen) to 80 % (4 or 5): FIRST_WAIT_PERCENT.
 */
export function firstPollSeconds(observations: readonly number[], elapsedSeconds: number, boundSeconds: number): number {
  const usable = observations.filter(isDuration).slice(-KEPT_OBSERVATIONS);
  if (usable.length === 0) return 0;
  const wait = Math.floor((FIRST_WAIT_PERCENT[usable.length - 1]! * Math.min(...usable)) / 100 - Math.max(0, elapsedSeconds));
  return Math.max(0, Math.min(wait, Math.floor(boundSeconds * MAX_SHARE_OF_BOUND)));
}

/** The last observations of one kind of work for one OpenSearch package (oldest first). */
export async function observedDurations(store: DurationStore, opensearchPackage: string, kind: WorkKind): Promise<number[]> {
  const item = await getItem(store.dynamodb, store.table, durationsKey(opensearchPackage));
  return lastDurations(item?.[kind]);
}

/**
 * Adds one observation (seconds); returns the last KEPT_OBSERVATIONS. An attribute that is not a
 * list (an item edited by hand) is replaced by a new list rather than blocking every later record.
 */
export async function recordDuration(store: DurationStore, opensearchPackage: string, kind: WorkKind, seconds: number): Promise<number[]> {
  const id = durationsKey(opensearchPackage);
  const observation = Math.round(seconds * 10) / 10;
  let list: unknown[];
  try {
    list = await appendToList(store.dynamodb, store.table, id, kind, observation);
  } catch (e) {
    if ((e as Error).name !== 'ValidationException') throw e;
    await setAttribute(store.dynamodb, store.table, id, kind, [observation]);
    list = [observation];
  }
  if (list.length >= TRIM_AT) await dropListHead(store.dynamodb, store.table, id, kind, list.length - KEPT_OBSERVATIONS, list.length);
  return lastDurations(list);
}

function lastDurations(list: unknown): number[] {
  return Array.isArray(list) ? list.filter(isDuration).slice(-KEPT_OBSERVATIONS) : [];
}

/**
 * UpdateOpenSearch's first wait: only for an import this release runs, counted from when it
 * started (`startedAt`: a replayed result counts what elapsed since, so it never waits twice).
 * `owner` (the execution) keeps the package's lease through the wait.
 */
export async function importFirstWait(update: { outcome: string; packageName: string; startedAt?: number }, owner: string, deps: PollTimingDeps): Promise<number> {
  if (update.outcome !== 'importing' || update.startedAt === undefined) return 0;
  const seen = await advisory(() => observedDurations(deps.store, update.packageName, 'import'), [], deps, `durations of ${update.packageName} unreadable; polling without a first wait`);
  return holdThrough(update.packageName, owner, firstPollSeconds(seen, secondsSince(update.startedAt, deps), IMPORT_WAIT_BOUND_SECONDS), deps);
}

/**
 * ApplyToDomains' first wait: only when it started an association itself (`associated`), counted
 * from `startedAt`. A domain found ASSOCIATING already started earlier, at a time not known here.
 */
export async function domainsFirstWait(
  apply: { domains: Pick<DomainReport, 'outcome'>[]; startedAt: number; packageType?: string },
  target: { opensearchPackage: string; owner: string; budgetSeconds: number },
  deps: PollTimingDeps,
): Promise<number> {
  if (!startedAssociations(apply) || apply.domains.some((d) => d.outcome === 'associating')) return 0;
  const { opensearchPackage, owner, budgetSeconds } = target;
  const seen = await advisory(() => observedDurations(deps.store, opensearchPackage, associationKind(apply.packageType)), [], deps, `durations of ${opensearchPackage} unreadable; polling without a first wait`);
  return holdThrough(opensearchPackage, owner, firstPollSeconds(seen, secondsSince(apply.startedAt, deps), budgetSeconds), deps);
}

/**
 * The check renews the package's lease at every poll; a first wait may outlast its TTL, so the
 * lease is kept through it first. When that fails the wait is still taken: a lease that expired
 * meanwhile is taken back, or waited for, at the check (OpenSearchPackageLocked), as after any pause.
 */
async function holdThrough(opensearchPackage: string, owner: string, waitSeconds: number, deps: PollTimingDeps): Promise<number> {
  if (waitSeconds > 0) {
    await advisory(() => holdLeaseThrough(deps.store, openSearchLeaseKey(opensearchPackage), owner, waitSeconds * deps.timeScale), false, deps, `could not keep the lease on ${opensearchPackage} through the first wait`);
  }
  return waitSeconds;
}

/** ApplyToDomains started at least one association: its end is a duration worth learning. */
export function startedAssociations(apply: { domains: Pick<DomainReport, 'outcome'>[] }): boolean {
  return apply.domains.some((d) => d.outcome === 'associated');
}

/**
 * Records how long a wait's work took, from `startedAt` (epoch ms; nothing when unknown) to now; a
 * failed write is reported to `warn` and ignored.
 */
export async function learnDuration(opensearchPackage: string, kind: WorkKind, startedAt: number | undefined, deps: PollTimingDeps): Promise<void> {
  const seconds = startedAt === undefined ? undefined : secondsSince(startedAt, deps);
  if (!isDuration(seconds)) return;
  await advisory(() => recordDuration(deps.store, opensearchPackage, kind, seconds), [], deps, `could not record the ${kind} duration of ${opensearchPackage}; the next release polls from a staler history`);
}

async function advisory<T>(run: () => Promise<T>, fallback: T, deps: Pick<PollTimingDeps, 'warn'>, message: string): Promise<T> {
  try {
    return await run();
  } catch (e) {
    deps.warn(message, e);
    return fallback;
  }
}

function isDuration(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}
