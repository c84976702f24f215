import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { whileLockedByAnother } from '../../lib/lambda/domain-deps';
import { OpenSearchPackageLocked } from '../../lib/release/errors';
import type { LeaseStore } from '../../lib/release/lease';
import { release } from '../fixtures/release';

/** A domain step while another release holds the lease: no wait when no domain needs a change. */
const ddb = mockClient(DynamoDBClient);
const NOW = 1_700_000_000_000;
const store: LeaseStore = { dynamodb: new DynamoDBClient({}), table: 't', ttlSeconds: 600, now: () => NOW };
const ours = { ...release(), execution: 'ours' };
const leaseRow = (owner: string) => ({ Item: marshall({ id: 'lease#opensearch-package#edge-agent-dict', owner, holder: 'edge-agent@9.9.9', fence: 3, leaseExpiresAt: NOW + 60_000 }) });

describe('whileLockedByAnother', () => {
  beforeEach(() => ddb.reset());

  it('held by another and no domain needs a change: the look is the answer, without the lease', async () => {
    ddb.on(GetItemCommand).resolves(leaseRow('other'));
    const look = vi.fn(async () => ({ domains: [] }));
    await expect(whileLockedByAnother(ours, 'edge-agent-dict', look, () => true, store)).resolves.toEqual({ domains: [] });
    expect(look).toHaveBeenCalledOnce();
  });

  it('held by another and a domain would change: OpenSearchPackageLocked before any change', async () => {
    ddb.on(GetItemCommand).resolves(leaseRow('other'));
    const associate = vi.fn();
    const look = async (assertLease: () => Promise<void>) => {
      await assertLease();
      associate();
      return { domains: ['changed'] };
    };
    await expect(whileLockedByAnother(ours, 'edge-agent-dict', look, () => false, store)).rejects.toThrow(OpenSearchPackageLocked);
    expect(associate).not.toHaveBeenCalled();
  });

  it('held by another, the look leaves domains still to wait for: waits (OpenSearchPackageLocked)', async () => {
    ddb.on(GetItemCommand).resolves(leaseRow('other'));
    await expect(whileLockedByAnother(ours, 'edge-agent-dict', async () => ({ pending: true }), () => false, store)).rejects.toThrow(/held by edge-agent@9\.9\.9 \(execution other\)/);
  });

  it('free, or held by this execution: no look here (the step takes the lease itself)', async () => {
    for (const answer of [{}, leaseRow('ours')]) {
      ddb.on(GetItemCommand).resolves(answer);
      const look = vi.fn(async () => ({}));
      await expect(whileLockedByAnother(ours, 'edge-agent-dict', look, () => true, store)).resolves.toBeUndefined();
      expect(look).not.toHaveBeenCalled();
    }
  });
});
