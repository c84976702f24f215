import { conditionalUpdate, getItem } from '../../clients/dynamodb';
import { type Lease, type LeaseStore, openSearchLeaseKey, type RolledBackHead, rolledBackOf } from '../lease';
import { compareVersions } from '../version-order';

/**
 * Ordering with rollbacks: "never serve anything older than the current head, where a rollback
 * explicitly moves the head". The head lives in the OpenSearch package's lease record, written under
 * the rollback's fence (only the lease holder writes it), with an epoch that only grows.
 */

/** Whether the head a rollback set forbids serving `versionName` again. */
export function barredByRollback(rolledBack: RolledBackHead | undefined, versionName: string): boolean {
  return !!rolledBack && versionName !== rolledBack.head && compareVersions(versionName, rolledBack.barredThrough) <= 0;
}

/**
 * Moves the head to `head`, barring every version up to `barredThrough` (or up to what an earlier
 * rollback barred, when that is higher: the bound only grows), while `lease` is still held with its fence. The same rollback again (its token) changes nothing. Returns the head in force,
 * or undefined when the lease was lost (the caller takes it again).
 */
export async function moveHead(store: LeaseStore, lease: Lease, move: Omit<RolledBackHead, 'epoch'>): Promise<RolledBackHead | undefined> {
  if (lease.rolledBack?.token === move.token) return lease.rolledBack;
  // What an earlier rollback barred stays barred: a second rollback planned against the head the
  // first one set must not let the first one's bad versions (above that head) be served again.
  const previous = lease.rolledBack?.barredThrough;
  const barredThrough = previous !== undefined && compareVersions(previous, move.barredThrough) > 0 ? previous : move.barredThrough;
  const rolledBack: RolledBackHead = { ...move, barredThrough, epoch: (lease.rolledBack?.epoch ?? 0) + 1 };
  const result = await conditionalUpdate(store.dynamodb, {
    table: store.table,
    id: lease.key,
    update: 'SET #rolledBack = :rolledBack',
    condition: '#owner = :owner AND #fence = :fence',
    names: { '#rolledBack': 'rolledBack', '#owner': 'owner', '#fence': 'fence' },
    values: { ':rolledBack': rolledBack, ':owner': lease.owner, ':fence': lease.fence },
  });
  return result.ok ? rolledBack : undefined;
}

/**
 * The head in force for an OpenSearch package (one GetItem of its lease record), for the steps that
 * act outside that lease: Promote and the rollout steps never move the default to, or hand devices,
 * a version a rollback barred.
 */
export async function readHead(store: LeaseStore, opensearchPackage: string): Promise<RolledBackHead | undefined> {
  const item = await getItem(store.dynamodb, store.table, openSearchLeaseKey(opensearchPackage));
  return item ? rolledBackOf(item) : undefined;
}
