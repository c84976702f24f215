import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  associationKind,
  domainsFirstWait,
  durationsKey,
  firstPollSeconds,
  IMPORT_WAIT_BOUND_SECONDS,
  importFirstWait,
  KEPT_OBSERVATIONS,
  learnDuration,
  observedDurations,
  recordDuration,
  TRIM_AT,
} from '../../lib/release/poll-timing';
import { readAslText } from '../infra/project';

/** Learned durations per OpenSearch package and the first wait they give (lib/release/poll-timing.ts). */
const ddb = mockClient(DynamoDBClient);
const NOW = 1_700_000_000_000;
const store = { dynamodb: new DynamoDBClient({}), table: 'idempotency', ttlSeconds: 600, now: () => NOW };
const deps = (warn = vi.fn(), timeScale = 1) => ({ store, warn, timeScale, now: () => NOW });
const OWNER = 'edge-agent-1.1.0-exec';
const leaseExtensions = () =>
  ddb
    .commandCalls(UpdateItemCommand)
    .map((c) => c.args[0].input)
    .filter((i) => i.Key?.id?.S?.startsWith('lease#'))
    .map((i) => ({ key: i.Key!.id!.S, condition: i.ConditionExpression, values: unmarshall(i.ExpressionAttributeValues!) }));
const item = (attrs: Record<string, unknown>) => ({ Item: marshall({ id: durationsKey('edge-agent-dict'), ...attrs }) });
const written = () =>
  ddb.commandCalls(UpdateItemCommand).map((c) => ({ key: c.args[0].input.Key, update: c.args[0].input.UpdateExpression, condition: c.args[0].input.ConditionExpression, values: unmarshall(c.args[0].input.ExpressionAttributeValues!), names: c.args[0].input.ExpressionAttributeNames }));

beforeEach(() => ddb.reset());

describe('firstPollSeconds', () => {
  it('is a share of the fastest observation minus what already elapsed, in whole seconds', () => {
    expect(firstPollSeconds([100, 90, 120, 95, 110], 0, 3600)).toBe(72);
    expect(firstPollSeconds([100, 90, 120, 95], 10.5, 3600)).toBe(61);
    expect(firstPollSeconds([360], 2, 3600)).toBe(214);
  });

  it('the share grows with the runs seen: 60 % of one, 70 % of two or three, 80 % of four or five', () => {
    expect([[100], [100, 120], [100, 120, 130], [100, 120, 130, 140], [100, 120, 130, 140, 150]].map((o) => firstPollSeconds(o, 0, 3600))).toEqual([60, 70, 70, 80, 80]);
  });

  it('is 0 with no history, and never negative when more than that already elapsed', () => {
    expect(firstPollSeconds([], 0, 3600)).toBe(0);
    expect(firstPollSeconds([100], 80, 3600)).toBe(0);
    expect(firstPollSeconds([100], 500, 3600)).toBe(0);
  });

  it('ignores what is not a duration (an item edited by hand)', () => {
    expect(firstPollSeconds([Number.NaN, -5, 0, 50], 0, 3600)).toBe(30);
    expect(firstPollSeconds([Number.NaN, -5], 0, 3600)).toBe(0);
  });

  it('takes at most half of the wait\'s bound', () => {
    expect(firstPollSeconds([100_000], 0, 1200)).toBe(600);
    expect(firstPollSeconds([100_000], 0, IMPORT_WAIT_BOUND_SECONDS)).toBe(1800);
  });

  it('the import bound is what CheckOpenSearch\'s OpenSearchNotReady retrier spans at its cap', () => {
    const retry = (JSON.parse(readAslText()) as { States: Record<string, { Retry?: { ErrorEquals: string[]; MaxAttempts: number; MaxDelaySeconds: number }[] }> }).States.CheckOpenSearch!.Retry!.find((r) => r.ErrorEquals.includes('OpenSearchNotReady'))!;
    expect(IMPORT_WAIT_BOUND_SECONDS).toBe(retry.MaxAttempts * retry.MaxDelaySeconds);
  });
});

describe('the durations record', () => {
  it('appends the observation to its kind in one atomic update, no read first, and returns the last 5', async () => {
    ddb.on(UpdateItemCommand).resolves({ Attributes: marshall({ import: [91, 92, 93, 94, 95, 88] }) });
    await expect(recordDuration(store, 'edge-agent-dict', 'import', 88.04)).resolves.toEqual([92, 93, 94, 95, 88]);
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
    expect(written()).toEqual([
      {
        key: { id: { S: 'durations#opensearch-package#edge-agent-dict' } },
        update: 'SET #name = list_append(if_not_exists(#name, :empty), :value)',
        condition: undefined,
        values: { ':empty': [], ':value': [88] },
        names: { '#name': 'import' },
      },
    ]);
  });

  it(`cuts a list of ${TRIM_AT} back to the last ${KEPT_OBSERVATIONS}, only if nobody appended since`, async () => {
    const ten = Array.from({ length: TRIM_AT }, (_, i) => 90 + i);
    ddb.on(UpdateItemCommand).resolvesOnce({ Attributes: marshall({ import: ten }) }).resolves({ Attributes: marshall({ import: ten.slice(-KEPT_OBSERVATIONS) }) });
    await expect(recordDuration(store, 'edge-agent-dict', 'import', 99)).resolves.toEqual(ten.slice(-KEPT_OBSERVATIONS));
    expect(written()[1]).toMatchObject({ update: 'REMOVE #name[4], #name[3], #name[2], #name[1], #name[0]', condition: 'size(#name) = :size', values: { ':size': TRIM_AT } });
  });

  it('replaces a kind that is not a list (an item edited by hand) instead of failing every record', async () => {
    ddb.on(UpdateItemCommand).rejectsOnce(Object.assign(new Error('An operand in the update expression has an incorrect data type'), { name: 'ValidationException' })).resolves({});
    await expect(recordDuration(store, 'edge-agent-dict', 'blueGreen', 1500)).resolves.toEqual([1500]);
    expect(written()[1]).toMatchObject({ update: 'SET #name = :value', values: { ':value': [1500] }, names: { '#name': 'blueGreen' } });
  });

  it('reads only durations from the record', async () => {
    ddb.on(GetItemCommand).resolves(item({ association: [300, 'x', -1, 280], import: 'nonsense' }));
    await expect(observedDurations(store, 'edge-agent-dict', 'association')).resolves.toEqual([300, 280]);
    await expect(observedDurations(store, 'edge-agent-dict', 'import')).resolves.toEqual([]);
  });

  it('a failed write is reported and ignored', async () => {
    ddb.on(UpdateItemCommand).rejects(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));
    const warn = vi.fn();
    await expect(learnDuration('edge-agent-dict', 'import', NOW - 90_000, deps(warn))).resolves.toBeUndefined();
    expect(ddb.commandCalls(UpdateItemCommand)[0]!.args[0].input.ExpressionAttributeValues).toEqual(marshall({ ':empty': [], ':value': [90] }));
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]![0]).toMatch(/could not record the import duration of edge-agent-dict/);
  });

  it('an unknown duration is not recorded', async () => {
    const warn = vi.fn();
    await learnDuration('edge-agent-dict', 'import', undefined, deps(warn));
    expect(ddb.calls()).toHaveLength(0);
  });

  it('ZIP-PLUGIN associations are learned as blue/green deployments', () => {
    expect(associationKind('ZIP-PLUGIN')).toBe('blueGreen');
    expect(associationKind('TXT-DICTIONARY')).toBe('association');
    expect(associationKind(undefined)).toBe('association');
  });
});

describe('the first waits', () => {
  const importing = { outcome: 'importing', packageName: 'edge-agent-dict', startedAt: NOW - 2_000 };

  it('UpdateOpenSearch: an import it started waits for a share of the fastest recent import, less what elapsed since it started', async () => {
    ddb.on(GetItemCommand).resolves(item({ import: [100, 90, 110] }));
    ddb.on(UpdateItemCommand).resolves({ Attributes: {} });
    await expect(importFirstWait(importing, OWNER, deps())).resolves.toBe(61);
    // The check renews the lease at every poll; the wait may outlast its TTL, so it is kept through the wait.
    expect(leaseExtensions()).toEqual([
      { key: 'lease#opensearch-package#edge-agent-dict', condition: '#owner = :owner AND #expiresAt < :until', values: { ':owner': OWNER, ':until': NOW + (61 + 600) * 1000 } },
    ]);
  });

  it('in a local run the wait is in the ASL\'s seconds and the lease is kept for its wall time', async () => {
    ddb.on(GetItemCommand).resolves(item({ import: [100] }));
    ddb.on(UpdateItemCommand).resolves({ Attributes: {} });
    // 2 wall seconds at scale 0.02 are 100 of the state machine's seconds: nothing left to wait for.
    await expect(importFirstWait(importing, OWNER, deps(vi.fn(), 0.02))).resolves.toBe(0);
    await expect(importFirstWait({ ...importing, startedAt: NOW - 200 }, OWNER, deps(vi.fn(), 0.02))).resolves.toBe(50);
    expect(leaseExtensions().map((e) => e.values[':until'])).toEqual([NOW + (50 * 0.02 + 600) * 1000]);
  });

  it('a lease that cannot be kept through the wait is reported, and the wait still taken', async () => {
    ddb.on(GetItemCommand).resolves(item({ import: [100] }));
    ddb.on(UpdateItemCommand).rejects(new Error('throttled'));
    const warn = vi.fn();
    await expect(importFirstWait(importing, OWNER, deps(warn))).resolves.toBe(58);
    expect(warn.mock.calls[0]![0]).toMatch(/could not keep the lease on edge-agent-dict through the first wait/);
  });

  it('UpdateOpenSearch: a replayed result waits only for what is left, and never past its bound', async () => {
    ddb.on(GetItemCommand).resolves(item({ import: [100] }));
    ddb.on(UpdateItemCommand).resolves({ Attributes: {} });
    await expect(importFirstWait({ ...importing, startedAt: NOW - 30_000 }, OWNER, deps())).resolves.toBe(30);
    await expect(importFirstWait({ ...importing, startedAt: NOW - 3 * 86_400_000 }, OWNER, deps())).resolves.toBe(0);
    ddb.on(GetItemCommand).resolves(item({ import: [1e7] }));
    await expect(importFirstWait(importing, OWNER, deps())).resolves.toBe(IMPORT_WAIT_BOUND_SECONDS / 2);
  });

  it('UpdateOpenSearch: nothing to import (served, superseded) means no wait and no read', async () => {
    for (const outcome of ['served', 'superseded']) await expect(importFirstWait({ ...importing, outcome }, OWNER, deps())).resolves.toBe(0);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('an unreadable record means no first wait, reported', async () => {
    ddb.on(GetItemCommand).rejects(new Error('network down'));
    const warn = vi.fn();
    await expect(importFirstWait(importing, OWNER, deps(warn))).resolves.toBe(0);
    expect(warn).toHaveBeenCalledOnce();
  });

  const apply = (outcomes: string[], packageType?: string) => ({ domains: outcomes.map((outcome) => ({ outcome }) as { outcome: 'associated' }), startedAt: NOW - 1_000, ...(packageType && { packageType }) });

  it('ApplyToDomains: associations it started wait for a share of the fastest recent one of their kind, within half the domain budget', async () => {
    ddb.on(GetItemCommand).resolves(item({ association: [300, 320], blueGreen: [1500, 1400] }));
    ddb.on(UpdateItemCommand).resolves({ Attributes: {} });
    await expect(domainsFirstWait(apply(['associated', 'already-active']), { opensearchPackage: 'edge-agent-dict', owner: OWNER, budgetSeconds: 1200 }, deps())).resolves.toBe(209);
    await expect(domainsFirstWait(apply(['associated'], 'ZIP-PLUGIN'), { opensearchPackage: 'edge-agent-dict', owner: OWNER, budgetSeconds: 5400 }, deps())).resolves.toBe(979);
    await expect(domainsFirstWait(apply(['associated'], 'ZIP-PLUGIN'), { opensearchPackage: 'edge-agent-dict', owner: OWNER, budgetSeconds: 1200 }, deps())).resolves.toBe(600);
    expect(leaseExtensions().map((e) => e.values[':until'])).toEqual([209, 979, 600].map((w) => NOW + (w + 600) * 1000));
  });

  it('ApplyToDomains: no association started, or one started earlier (ASSOCIATING already), means no wait', async () => {
    ddb.on(GetItemCommand).resolves(item({ association: [300] }));
    await expect(domainsFirstWait(apply([]), { opensearchPackage: 'edge-agent-dict', owner: OWNER, budgetSeconds: 1200 }, deps())).resolves.toBe(0);
    await expect(domainsFirstWait(apply(['already-active']), { opensearchPackage: 'edge-agent-dict', owner: OWNER, budgetSeconds: 1200 }, deps())).resolves.toBe(0);
    await expect(domainsFirstWait(apply(['associated', 'associating']), { opensearchPackage: 'edge-agent-dict', owner: OWNER, budgetSeconds: 1200 }, deps())).resolves.toBe(0);
    expect(ddb.calls()).toHaveLength(0);
  });
});
