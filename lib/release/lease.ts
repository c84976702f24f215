import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { conditionalUpdate, getItem } from '../clients/dynamodb';
import { OpenSearchPackageLocked } from './errors';

/**
 * A lease per OpenSearch package, in the idempotency table: the mutual exclusion AWS does not offer
 * around "look at the package → UpdatePackage → wait until AVAILABLE → apply to domains".
 *
 * - **Owner** = the Step Functions execution (its name): a redrive of the same execution takes its
 *   lease back; another execution — even of the same artifact — waits its turn.
 * - **Expiry**: a holder renews on every step and poll; a holder that crashed, timed out or was
 *   aborted loses the lease after `ttlSeconds` without renewal, and the next release takes it.
 * - **Fencing**: every acquisition (a re-entrant one included) increments `fence`. The holder
 *   renews with the fence it got right before each mutating call, so a zombie invocation (a timed
 *   out Lambda still running, an older attempt of a retried step) finds its fence stale and stops.
 *   Since the TTL (minutes) is far longer than one Lambda invocation may run, a call issued after a
 *   successful renewal always lands while the lease is still held.
 *
 * Lease items never get the table's TTL attribute: there is one per OpenSearch package, and the
 * fence must keep increasing for as long as the package exists.
 */
export interface Lease {
  key: string;
  owner: string;
  fence: number;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** The memo on the lease item when it was granted. */
  served?: ServedMemo;
  /** The head a rollback moved the package to, when one did (lib/release/rollback/epoch.ts). */
  rolledBack?: RolledBackHead;
}

/**
 * Written by a rollback under its fence: the package's head is `head` from epoch `epoch` on, and no
 * release of a version up to `barredThrough` (the newest version rolled back from) may be served
 * again, except the head itself. A release of a newer version goes forward as usual.
 */
export interface RolledBackHead {
  epoch: number;
  head: string;
  barredThrough: string;
  /** The rollback that wrote it: moving the head again with the same token changes nothing. */
  token: string;
}

/**
 * What a holder saw the package serve, written under its fence when it saw it: "the package has
 * served this release (its IoT version) or a newer one". The served content never goes back, so
 * the fact stays true; a release waiting for the lease reads it from the lease item it is refused
 * by, and stops waiting — with no AWS call — once the package serves its version or a newer one.
 * Decisions to update are never taken on it: the holder always looks at AWS.
 */
export interface ServedMemo {
  version: string;
  packageId: string;
  /** The package version holding that content (e.g. `v7`). */
  packageVersion?: string;
}

export interface LeaseStore {
  dynamodb: DynamoDBClient;
  table: string;
  /** How long a lease lasts without renewal. */
  ttlSeconds: number;
  now?: () => number;
}

/** The lease's item id in the idempotency table (Powertools ids are `<function>#<hash>`: no clash). */
export function openSearchLeaseKey(opensearchPackage: string): string {
  return `lease#opensearch-package#${opensearchPackage}`;
}

const NAMES = { '#owner': 'owner', '#fence': 'fence', '#expiresAt': 'leaseExpiresAt', '#holder': 'holder' };

/**
 * Takes the lease for `owner`, or renews it when `owner` already holds it; either way with a new
 * fence. Throws OpenSearchPackageLocked (retryable) naming the holder when someone else holds it.
 */
export async function acquireLease(store: LeaseStore, key: string, owner: string, holder: string): Promise<Lease> {
  const now = (store.now ?? Date.now)();
  const result = await conditionalUpdate(store.dynamodb, {
    table: store.table,
    id: key,
    update: 'SET #owner = :owner, #holder = :holder, #expiresAt = :expiresAt, #fence = if_not_exists(#fence, :zero) + :one',
    condition: 'attribute_not_exists(#owner) OR #owner = :owner OR #expiresAt < :now',
    names: NAMES,
    values: { ':owner': owner, ':holder': holder, ':expiresAt': now + store.ttlSeconds * 1000, ':now': now, ':zero': 0, ':one': 1 },
  });
  if (!result.ok) {
    const held = result.current ?? {};
    const until = typeof held.leaseExpiresAt === 'number' ? new Date(held.leaseExpiresAt).toISOString() : 'unknown';
    throw new OpenSearchPackageLocked(
      `${key} is held by ${String(held.holder ?? 'another release')} (execution ${String(held.owner ?? '?')}) until ${until} unless renewed; waiting for it`,
      servedMemo(held),
    );
  }
  return { key, owner, fence: Number(result.item.fence), expiresAt: Number(result.item.leaseExpiresAt), served: servedMemo(result.item), rolledBack: rolledBackOf(result.item) };
}

/**
 * Reads the lease without taking it: who holds it (undefined when free or expired for `owner`'s
 * purposes) and the holders' memo. A cheap look for a release that must wait anyway.
 */
export async function peekLease(store: LeaseStore, key: string, owner: string): Promise<{ heldByOther?: string; served?: ServedMemo; rolledBack?: RolledBackHead }> {
  const item = (await getItem(store.dynamodb, store.table, key)) ?? {};
  const live = typeof item.owner === 'string' && item.owner !== owner && Number(item.leaseExpiresAt) >= (store.now ?? Date.now)();
  return { heldByOther: live ? `${String(item.holder ?? 'another release')} (execution ${String(item.owner)})` : undefined, served: servedMemo(item), rolledBack: rolledBackOf(item) };
}

export function rolledBackOf(item: Record<string, unknown>): RolledBackHead | undefined {
  const rb = item.rolledBack as RolledBackHead | undefined;
  return rb && typeof rb.head === 'string' && typeof rb.barredThrough === 'string' ? rb : undefined;
}

function servedMemo(item: Record<string, unknown>): ServedMemo | undefined {
  const memo = item.served as ServedMemo | undefined;
  return memo && typeof memo.version === 'string' && typeof memo.packageId === 'string' ? memo : undefined;
}

/**
 * Extends the lease, only if nobody took it since `lease` was granted (same owner AND fence).
 * Returns the renewed lease, or undefined when it was lost.
 */
export async function renewLease(store: LeaseStore, lease: Lease, served?: ServedMemo): Promise<Lease | undefined> {
  const expiresAt = (store.now ?? Date.now)() + store.ttlSeconds * 1000;
  const result = await conditionalUpdate(store.dynamodb, {
    table: store.table,
    id: lease.key,
    update: `SET #expiresAt = :expiresAt${served ? ', #served = :served' : ''}`,
    condition: '#owner = :owner AND #fence = :fence',
    names: { '#owner': NAMES['#owner'], '#fence': NAMES['#fence'], '#expiresAt': NAMES['#expiresAt'], ...(served && { '#served': 'served' }) },
    values: { ':owner': lease.owner, ':fence': lease.fence, ':expiresAt': expiresAt, ...(served && { ':served': served }) },
  });
  return result.ok ? { ...lease, expiresAt } : undefined;
}

/**
 * Gives the lease up, if still held with this fence (a lost lease is someone else's now), noting
 * what the package serves when the holder saw it (see ServedMemo).
 */
export async function releaseLease(store: LeaseStore, lease: Lease, served?: ServedMemo): Promise<boolean> {
  const result = await conditionalUpdate(store.dynamodb, {
    table: store.table,
    id: lease.key,
    update: `REMOVE #owner, #holder SET #expiresAt = :zero${served ? ', #served = :served' : ''}`,
    condition: '#owner = :owner AND #fence = :fence',
    names: { ...NAMES, ...(served && { '#served': 'served' }) },
    values: { ':owner': lease.owner, ':fence': lease.fence, ':zero': 0, ...(served && { ':served': served }) },
  });
  return result.ok;
}

/**
 * For the failure notification of an execution that ended (FAILED, TIMED_OUT, ABORTED) while
 * holding the lease: if `owner` still holds it, it now expires `withinSeconds` from now (never later
 * than it would have), instead of after the full TTL. Not at once: StopExecution and an execution
 * timeout do not stop a running Lambda, and an invocation that renewed its fence may still have its
 * UpdatePackage in flight; that call must land while the lease is held. `withinSeconds` must cover
 * the longest invocation of a lease holder. A redrive of that execution simply acquires it again.
 */
export async function expireLeaseOf(store: LeaseStore, key: string, owner: string, withinSeconds: number): Promise<boolean> {
  return moveExpiryOf(store, key, owner, (store.now ?? Date.now)() + withinSeconds * 1000, 'sooner');
}

/**
 * Keeps `owner`'s lease through a first wait of `waitSeconds` (lib/release/poll-timing.ts), which
 * can outlast the TTL: it then expires `ttlSeconds` after the wait ends, as if the check renewed it
 * then. Only extends, only while `owner` holds it. Safe because an execution that ends during the
 * wait (failed, timed out, aborted) has the lease expired by its failure notification
 * (expireLeaseOf), and one that goes on renews it at its check.
 */
export async function holdLeaseThrough(store: LeaseStore, key: string, owner: string, waitSeconds: number): Promise<boolean> {
  return moveExpiryOf(store, key, owner, (store.now ?? Date.now)() + (waitSeconds + store.ttlSeconds) * 1000, 'later');
}

/** Moves `owner`'s lease expiry to `at`, only while `owner` holds it and only in `direction`. */
async function moveExpiryOf(store: LeaseStore, key: string, owner: string, at: number, direction: 'sooner' | 'later'): Promise<boolean> {
  const [value, compare] = direction === 'sooner' ? [':soon', '>'] : [':until', '<'];
  const result = await conditionalUpdate(store.dynamodb, {
    table: store.table,
    id: key,
    update: `SET #expiresAt = ${value}`,
    condition: `#owner = :owner AND #expiresAt ${compare} ${value}`,
    names: { '#owner': NAMES['#owner'], '#expiresAt': NAMES['#expiresAt'] },
    values: { ':owner': owner, [value]: at },
  });
  return result.ok;
}
