import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { OpenSearchPackageLocked } from '../../lib/release/errors';
import { useDynamoTwin } from './helpers';
import { acquireLease, expireLeaseOf, holdLeaseThrough, type LeaseStore, openSearchLeaseKey, releaseLease, renewLease } from '../../lib/release/lease';

/**
 * The OpenSearch package lease against the twin's DynamoDB (dynalite) through the real SDK: the
 * conditional writes of lib/release/lease.ts decide who may update a package, so they are tested
 * on a real conditional-write engine, concurrency included.
 */
const TABLE = 'lease-twin';
const db = useDynamoTwin(TABLE);

let packageCounter = 0;
/** Each test gets its own OpenSearch package, so leases never leak between tests. */
const freshKey = () => openSearchLeaseKey(`pkg-${++packageCounter}-${Date.now()}`);

/** A store whose clock the test moves. */
function store(clock = { now: 1_700_000_000_000 }, ttlSeconds = 60): LeaseStore & { clock: { now: number } } {
  return { dynamodb: db.client, table: TABLE, ttlSeconds, now: () => clock.now, clock };
}

async function item(key: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.client.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: key } }, ConsistentRead: true }));
  return Item && unmarshall(Item);
}

describe('OpenSearch package lease (DynamoDB conditional writes)', () => {
  it('20 owners acquiring at once: exactly one wins; the 19 others get OpenSearchPackageLocked naming the winner', async () => {
    const s = store();
    const key = freshKey();
    const owners = Array.from({ length: 20 }, (_, i) => `execution-${i}`);

    const results = await Promise.allSettled(owners.map((o) => acquireLease(s, key, o, `edge-agent@1.${owners.indexOf(o)}.0`)));

    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [{ owner: owners[i]!, lease: r.value }] : []));
    expect(won).toHaveLength(1);
    const winner = won[0]!;
    expect(winner.lease).toMatchObject({ key, owner: winner.owner, fence: 1, expiresAt: s.clock.now + 60_000 });
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Error);
    expect(lost).toHaveLength(19);
    for (const error of lost) {
      expect(error).toBeInstanceOf(OpenSearchPackageLocked);
      expect(error.message).toContain(`(execution ${winner.owner})`);
    }
    expect(await item(key)).toMatchObject({ owner: winner.owner, fence: 1 });
  });

  it('a re-entrant acquisition (same owner: a retry or a redrive) succeeds and increments the fence', async () => {
    const s = store();
    const key = freshKey();
    const first = await acquireLease(s, key, 'execution-a', 'edge-agent@1.0.0');
    const again = await acquireLease(s, key, 'execution-a', 'edge-agent@1.0.0');
    const third = await acquireLease(s, key, 'execution-a', 'edge-agent@1.0.0');
    expect([first.fence, again.fence, third.fence]).toEqual([1, 2, 3]);
  });

  it('renewal with a stale fence fails (a zombie attempt), with the current fence it extends the expiry', async () => {
    const s = store();
    const key = freshKey();
    const stale = await acquireLease(s, key, 'execution-a', 'edge-agent@1.0.0');
    const current = await acquireLease(s, key, 'execution-a', 'edge-agent@1.0.0');

    expect(await renewLease(s, stale)).toBeUndefined();

    s.clock.now += 30_000;
    const renewed = await renewLease(s, current);
    expect(renewed).toEqual({ ...current, expiresAt: s.clock.now + 60_000 });
    expect(await item(key)).toMatchObject({ owner: 'execution-a', fence: 2, leaseExpiresAt: s.clock.now + 60_000 });
  });

  it('an unrenewed lease expires: another owner takes it over with a higher fence, and the old holder can neither renew nor release', async () => {
    const s = store();
    const key = freshKey();
    const old = await acquireLease(s, key, 'crashed-execution', 'edge-agent@1.0.0');

    s.clock.now += 59_999;
    await expect(acquireLease(s, key, 'execution-b', 'edge-agent@1.1.0')).rejects.toThrow(OpenSearchPackageLocked);

    s.clock.now += 2;
    const taken = await acquireLease(s, key, 'execution-b', 'edge-agent@1.1.0');
    expect(taken.fence).toBe(old.fence + 1);
    expect(await renewLease(s, old)).toBeUndefined();
    expect(await releaseLease(s, old)).toBe(false);
    expect(await item(key)).toMatchObject({ owner: 'execution-b', holder: 'edge-agent@1.1.0', fence: taken.fence });
  });

  it('only the holder of the current fence releases; after a release the next owner acquires at once, and the fence keeps increasing', async () => {
    const s = store();
    const key = freshKey();
    const stale = await acquireLease(s, key, 'execution-a', 'edge-agent@1.0.0');
    const current = await acquireLease(s, key, 'execution-a', 'edge-agent@1.0.0');

    expect(await releaseLease(s, stale)).toBe(false);
    expect(await releaseLease(s, { ...current, owner: 'execution-b' })).toBe(false);
    await expect(acquireLease(s, key, 'execution-b', 'edge-agent@1.1.0')).rejects.toThrow(OpenSearchPackageLocked);

    expect(await releaseLease(s, current)).toBe(true);
    expect(await item(key)).toEqual({ id: key, fence: 2, leaseExpiresAt: 0 });
    const next = await acquireLease(s, key, 'execution-b', 'edge-agent@1.1.0');
    expect(next.fence).toBe(3);
    // Released twice is still released once: the second is a no-op that reports false.
    expect(await releaseLease(s, current)).toBe(false);
  });

  it('the Locked message says who holds the lease and until when', async () => {
    const s = store();
    const key = freshKey();
    const held = await acquireLease(s, key, 'edge-agent-1.4.0-abcdef0123456789', 'edge-agent@1.4.0');
    const error = await acquireLease(s, key, 'execution-b', 'edge-agent@1.5.0').catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `${key} is held by edge-agent@1.4.0 (execution edge-agent-1.4.0-abcdef0123456789) until ${new Date(held.expiresAt).toISOString()} unless renewed; waiting for it`,
    );
  });

  describe('expiry on an ended execution (the failure notification)', () => {
    it("the ended holder's lease stays held for the grace period (a zombie's UpdatePackage may be in flight), then another owner takes it", async () => {
      const s = store(undefined, 600);
      const key = freshKey();
      const held = await acquireLease(s, key, 'aborted-execution', 'edge-agent@1.0.0');

      expect(await expireLeaseOf(s, key, 'aborted-execution', 120)).toBe(true);
      // A call its still-running invocation issued after renewing lands while the lease is held.
      expect(await renewLease(s, held)).toBeDefined();
      await expect(acquireLease(s, key, 'execution-b', 'edge-agent@1.1.0')).rejects.toThrow(OpenSearchPackageLocked);
      expect(await expireLeaseOf(s, key, 'aborted-execution', 120)).toBe(true);

      s.clock.now += 120_001;
      await expect(acquireLease(s, key, 'execution-b', 'edge-agent@1.1.0')).resolves.toMatchObject({ fence: held.fence + 1 });
    });

    it('never lengthens a lease, and touches only the named owner\'s', async () => {
      const s = store(undefined, 60);
      const key = freshKey();
      await acquireLease(s, key, 'execution-a', 'edge-agent@1.0.0');
      expect(await expireLeaseOf(s, key, 'execution-a', 120)).toBe(false);
      expect(await expireLeaseOf(s, key, 'execution-b', 1)).toBe(false);
      expect(await item(key)).toMatchObject({ owner: 'execution-a', leaseExpiresAt: s.clock.now + 60_000 });
      expect(await expireLeaseOf(s, freshKey(), 'execution-a', 1)).toBe(false);
    });
  });
  describe('kept through a first wait (lib/release/poll-timing.ts)', () => {
    it('the holder keeps it for the wait plus the TTL: another owner cannot take it during the wait; after that it expires as usual', async () => {
      const s = store(undefined, 60);
      const key = freshKey();
      const held = await acquireLease(s, key, 'execution-a', 'edge-agent@1.0.0');
      expect(await holdLeaseThrough(s, key, 'execution-a', 300)).toBe(true);
      expect(await item(key)).toMatchObject({ owner: 'execution-a', fence: held.fence, leaseExpiresAt: s.clock.now + 360_000 });
      s.clock.now += 300_000;
      await expect(acquireLease(s, key, 'execution-b', 'edge-agent@1.1.0')).rejects.toThrow(OpenSearchPackageLocked);
      // The check after the wait renews it with the fence it holds.
      expect(await renewLease(s, held)).toBeDefined();
      s.clock.now += 60_001;
      await expect(acquireLease(s, key, 'execution-b', 'edge-agent@1.1.0')).resolves.toMatchObject({ fence: held.fence + 1 });
    });

    it('only for the owner that holds it, and never shorter', async () => {
      const s = store(undefined, 600);
      const key = freshKey();
      await acquireLease(s, key, 'execution-a', 'edge-agent@1.0.0');
      expect(await holdLeaseThrough(s, key, 'execution-b', 3600)).toBe(false);
      expect(await holdLeaseThrough(s, key, 'execution-a', 0)).toBe(false);
      expect(await item(key)).toMatchObject({ owner: 'execution-a', leaseExpiresAt: s.clock.now + 600_000 });
      expect(await holdLeaseThrough(s, freshKey(), 'execution-a', 10)).toBe(false);
    });
  });
});
