import { describe, expect, it } from 'vitest';
import { acquireLease, type LeaseStore, openSearchLeaseKey, releaseLease } from '../../lib/release/lease';
import { moveHead } from '../../lib/release/rollback/epoch';
import { useDynamoTwin } from './helpers';

/** The rollback's head in the OpenSearch lease record, on the twin's DynamoDB: fenced conditional writes. */
const TABLE = 'rollback-epoch-twin';
const db = useDynamoTwin(TABLE);
const store = (): LeaseStore => ({ dynamodb: db.client, table: TABLE, ttlSeconds: 60 });
const move = (token: string) => ({ head: '1.0.0', barredThrough: '1.1.0', token });

describe('moveHead', () => {
  it('writes the head under the holder\'s fence; it survives release and re-acquisition; the same token again keeps the epoch', async () => {
    const s = store();
    const key = openSearchLeaseKey('pkg-epoch-1');
    const lease = await acquireLease(s, key, 'rollback-exec', 'fw@rollback');
    expect(await moveHead(s, lease, move('rb-1'))).toEqual({ ...move('rb-1'), epoch: 1 });
    await releaseLease(s, lease);

    const release = await acquireLease(s, key, 'release-exec', 'fw@1.1.0');
    expect(release.rolledBack).toEqual({ ...move('rb-1'), epoch: 1 });
    await releaseLease(s, release);

    const again = await acquireLease(s, key, 'rollback-exec', 'fw@rollback');
    expect(await moveHead(s, again, move('rb-1'))).toEqual({ ...move('rb-1'), epoch: 1 });
    expect(await moveHead(s, again, move('rb-2'))).toEqual({ ...move('rb-2'), epoch: 2 });
  });

  it('a stale fence (the lease was taken over) writes nothing', async () => {
    const s = store();
    const key = openSearchLeaseKey('pkg-epoch-2');
    const first = await acquireLease(s, key, 'rollback-exec', 'fw@rollback');
    await acquireLease(s, key, 'rollback-exec', 'fw@rollback');
    expect(await moveHead(s, first, move('rb-1'))).toBeUndefined();
    const now = await acquireLease(s, key, 'rollback-exec', 'fw@rollback');
    expect(now.rolledBack).toBeUndefined();
  });

  it('what an earlier rollback barred stays barred: a second rollback from the head the first set keeps the higher bound', async () => {
    const s = store();
    const key = openSearchLeaseKey('pkg-epoch-3');
    const first = await acquireLease(s, key, 'rollback-1', 'fw@rollback');
    await moveHead(s, first, { head: '1.8.0', barredThrough: '1.9.0', token: 'rb-1' });
    await releaseLease(s, first);
    // Planned after the first: its head was 1.8.0, but 1.9.0 must not come back.
    const second = await acquireLease(s, key, 'rollback-2', 'fw@rollback');
    expect(await moveHead(s, second, { head: '1.2.0', barredThrough: '1.8.0', token: 'rb-2' })).toEqual({ head: '1.2.0', barredThrough: '1.9.0', token: 'rb-2', epoch: 2 });
  });
});
