import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { getItem, setAttribute } from '../clients/dynamodb';
import type { DomainReport } from './domain-state';

/**
 * Polls that know roughly when the work ends. A poll that does not know finds the work done, on
 * average, half an interval late, so polls × overhead is fixed per wait (docs/benchmarks.md). Each
 * OpenSearch package's last durations break that: the step that starts the work (UpdateOpenSearch,
 * ApplyToDomains) returns `firstPollSeconds`, a first wait of 80 % of the fastest recent run, which
 * the state machine sleeps (a Wait state, one transition) before its check polls as before.
 *
 * Advisory only, never a correctness input: the check decides what is done, a wait that is too
 * short costs polls, one that is too long costs overhead (only when the work runs > 20 % faster
 * than its fastest recent run), and a failed read or write of the durations means no first wait.
 *
 * The durations live in the table of the leases and idempotency records, one item per OpenSearch
 * package (never with the table's TTL attribute), one attribute per kind of work holding its last
 * KEPT_OBSERVATIONS durations in seconds. Writes are plain updates after a read: two releases of one
 * package are serialized by its lease, and a lost observation only means one fewer to learn from.
 */
export type WorkKind = 'import' | 'association' | 'blueGreen';

export const KEPT_OBSERVATIONS = 5;
/** The first wait, as a share of the fastest of the last observations. */
export const FIRST_WAIT_SHARE = 0.8;
/**
 * What bounds each wait: the import's polls (CheckOpenSearch's OpenSearchNotReady retrier, 450
 * attempts at most 8 s apart) and the domains' budget (config `domainWaitMinutes`, counted from
 * ApplyToDomains). A first wait takes at most half of it, so a bad record (a replayed result, an
 * item edited by hand) never makes a release wait past its bound: the polls keep the other half.
 */
export const IMPORT_WAIT_BOUND_SECONDS = 450 * 8;
const MAX_SHARE_OF_BOUND = 0.5;

export interface DurationStore {
  dynamodb: DynamoDBClient;
  table: string;
}

export interface PollTimingDeps {
  store: DurationStore;
  /** Says what went wrong with an advisory read or write (the handler logs it); the release goes on. */
  warn: (message: string, error: unknown) => void;
  /** Seconds elapsed since an epoch-ms time, in the state machine's seconds (lib/lambda/poll-timing-deps.ts). */
  secondsSince: (sinceMs: number) => number;
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
 * max(0, 80 % of the fastest observation − what already elapsed), whole seconds (a Wait's
 * SecondsPath takes a non-negative integer), at most half of `boundSeconds`; 0 with no history.
 */
export function firstPollSeconds(observations: readonly number[], elapsedSeconds: number, boundSeconds: number): number {
  const usable = observations.filter(isDuration);
  if (usable.length === 0) return 0;
  const wait = Math.floor(FIRST_WAIT_SHARE * Math.min(...usable) - Math.max(0, elapsedSeconds));
  return Math.max(0, Math.min(wait, Math.floor(boundSeconds * MAX_SHARE_OF_BOUND)));
}

/** The last observations of one kind of work for one OpenSearch package (oldest first). */
export async function observedDurations(store: DurationStore, opensearchPackage: string, kind: WorkKind): Promise<number[]> {
  const item = await getItem(store.dynamodb, store.table, durationsKey(opensearchPackage));
  const list = item?.[kind];
  return Array.isArray(list) ? list.filter(isDuration) : [];
}

/** Adds one observation (seconds), keeping the last KEPT_OBSERVATIONS; returns what is kept. */
export async function recordDuration(store: DurationStore, opensearchPackage: string, kind: WorkKind, seconds: number): Promise<number[]> {
  const kept = [...(await observedDurations(store, opensearchPackage, kind)), Math.round(seconds * 10) / 10].slice(-KEPT_OBSERVATIONS);
  await setAttribute(store.dynamodb, store.table, durationsKey(opensearchPackage), kind, kept);
  return kept;
}

/**
 * UpdateOpenSearch's first wait: only for an import this release runs, counted from when it
 * started (`startedAt`: a replayed result counts what elapsed since, so it never waits twice).
 */
export async function importFirstWait(
  update: { outcome: string; packageName: string; startedAt?: number },
  deps: PollTimingDeps,
): Promise<number> {
  if (update.outcome !== 'importing' || update.startedAt === undefined) return 0;
  const seen = await advisory(() => observedDurations(deps.store, update.packageName, 'import'), [], deps, `durations of ${update.packageName} unreadable; polling without a first wait`);
  return firstPollSeconds(seen, deps.secondsSince(update.startedAt), IMPORT_WAIT_BOUND_SECONDS);
}

/**
 * ApplyToDomains' first wait: only when it started an association itself (`associated`), counted
 * from `startedAt`. A domain found ASSOCIATING already started earlier, at a time not known here.
 */
export async function domainsFirstWait(
  apply: { domains: Pick<DomainReport, 'outcome'>[]; startedAt: number; packageType?: string },
  opensearchPackage: string,
  budgetSeconds: number,
  deps: PollTimingDeps,
): Promise<number> {
  if (!startedAssociations(apply) || apply.domains.some((d) => d.outcome === 'associating')) return 0;
  const kind = associationKind(apply.packageType);
  const seen = await advisory(() => observedDurations(deps.store, opensearchPackage, kind), [], deps, `durations of ${opensearchPackage} unreadable; polling without a first wait`);
  return firstPollSeconds(seen, deps.secondsSince(apply.startedAt), budgetSeconds);
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
  const seconds = startedAt === undefined ? undefined : deps.secondsSince(startedAt);
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
