import { CancelJobCommand, CreateJobCommand, DescribeJobCommand, GetPackageVersionCommand, IoTClient } from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { acquireLease, type LeaseStore, openSearchLeaseKey } from '../../lib/release/lease';
import { moveHead } from '../../lib/release/rollback/epoch';
import type { RollbackRequest } from '../../lib/release/rollback/request';
import { rollBackRollout, rollbackJobId } from '../../lib/release/rollback/rollout';
import type { RollbackPlan } from '../../lib/release/rollback/validate';
import type { RolloutSettings } from '../../lib/release/rollout/settings';
import { type ExecutionContext, startRolloutStage } from '../../lib/release/rollout/start-stage';
import { release } from '../fixtures/release';
import { useDynamoTwin } from './helpers';

/**
 * RollBackRollout (lib/release/rollback/rollout.ts) on a real conditional-write engine (the twin's
 * DynamoDB) for its lease and records, IoT Jobs mocked per call: which jobs it cancels, the one job
 * it creates, and what a retry, a poll and a newer rollout do.
 */
const TABLE = 'rollback-rollout-twin';
const db = useDynamoTwin(TABLE);
const iot = mockClient(IoTClient);
const client = new IoTClient({ region: 'us-east-1' });
const store = (): LeaseStore => ({ dynamodb: db.client, table: TABLE, ttlSeconds: 60, now: Date.now });
const deps = () => ({ iot: client, lease: store() });
const execution = (name: string): ExecutionContext => ({ Name: name, StartTime: new Date().toISOString(), RedriveCount: 0 });
const SETTINGS: RolloutSettings = { stages: [{ name: 'canary', targets: ['canary'] }, { name: 'fleet', targets: ['fleet'] }], jobDocument: { document: { steps: [] } } };

let n = 0;
let packageName = '';
const versionArn = (v: string) => `arn:aws:iot:us-east-1:000000000000:package/${packageName}/version/${v}`;
beforeEach(() => {
  iot.reset();
  packageName = `agent-rb-${++n}`;
  iot.on(CreateJobCommand).resolves({});
  iot.on(CancelJobCommand).resolves({});
  iot.on(GetPackageVersionCommand).callsFake((input: { versionName: string }) => ({ status: 'PUBLISHED', packageVersionArn: versionArn(input.versionName) }));
});

const request = (): RollbackRequest => ({ packageName, targetVersion: '1.0.0', requestedBy: 'alice', rollbackToken: 'rollback-token-1', opensearch: { packageName: `dict-${packageName}` } });
const plan = (head = '1.1.0'): RollbackPlan => ({ target: { versionName: '1.0.0', bucket: 'b', key: 'k', version: 'v', etag: 'e' }, head, above: [head] });
/** The bad version's release started its canary stage: its job is what the targets were handed. */
async function badRelease(versionName = '1.1.0'): Promise<string> {
  const r = { ...release({ packageName, versionName, opensearch: request().opensearch }), rollout: { stages: ['canary', 'fleet'], next: 0 }, steps: { createVersion: { versionArn: versionArn(versionName) } } };
  const out = await startRolloutStage(r, execution(`release-${versionName}`), SETTINGS, deps());
  return out.current!.jobId;
}
const created = () => iot.commandCalls(CreateJobCommand).map((c) => c.args[0].input);

describe('RollBackRollout', () => {
  it('a package with no rollout: nothing handed to any device group', async () => {
    expect(await rollBackRollout(request(), plan(), undefined, deps())).toMatchObject({ status: 'none' });
    expect(created()).toHaveLength(0);
  });

  it('cancels the bad version’s job, hands the target to every stage’s groups in one job, then polls it to done', async () => {
    const badJob = await badRelease();
    const jobId = rollbackJobId(request(), '1.0.0');
    // Not visible on the first look (it does not exist yet), in progress after the create, then completed.
    iot.on(DescribeJobCommand, { jobId }).resolvesOnce({}).resolvesOnce({ job: { jobId, status: 'IN_PROGRESS', jobProcessDetails: { numberOfQueuedThings: 3 } } });
    await expect(rollBackRollout(request(), plan(), SETTINGS, deps())).rejects.toMatchObject({ name: 'RolloutStageInProgress', message: expect.stringContaining('3 queued') });
    expect(iot.commandCalls(CancelJobCommand).map((c) => c.args[0].input)).toEqual([{ jobId: badJob, reasonCode: 'SUPERSEDED', comment: `rolled back to ${packageName}@1.0.0 by alice` }]);
    const [job] = created().slice(1);
    expect(job).toMatchObject({ jobId, destinationPackageVersions: [versionArn('1.0.0')] });
    expect(job!.targets).toHaveLength(2);
    expect(job!.abortConfig).toBeUndefined();

    // A later poll (the Retry) finds the job by its id: no second create, no second cancel.
    iot.on(DescribeJobCommand, { jobId }).resolves({ job: { jobId, status: 'COMPLETED', jobProcessDetails: { numberOfSucceededThings: 25 } } });
    expect(await rollBackRollout(request(), plan(), SETTINGS, deps())).toMatchObject({ status: 'done', jobId, counts: { succeeded: 25 } });
    expect(created()).toHaveLength(2);
    expect(iot.commandCalls(CancelJobCommand)).toHaveLength(1);
    // The bad version's release redriven afterwards: superseded by the head the rollback moved
    // (StartRollbackImport moves it before this step runs).
    const lease = await acquireLease(store(), openSearchLeaseKey(request().opensearch.packageName), 'rollback', 'rollback');
    await moveHead(store(), lease, { head: '1.0.0', barredThrough: '1.1.0', token: request().rollbackToken });
    const redriven = { ...release({ packageName, versionName: '1.1.0', opensearch: request().opensearch }), rollout: { stages: ['canary', 'fleet'], next: 1 }, steps: { createVersion: { versionArn: versionArn('1.1.0') } } };
    expect(await startRolloutStage(redriven, execution('release-1.1.0'), SETTINGS, deps())).toMatchObject({ status: 'superseded', outcomes: [{ stage: 'fleet', supersededBy: '1.0.0' }] });
    expect(created()).toHaveLength(2);
    // The target's own release redriven meanwhile hands the groups the same version: it leaves the rollback's job running.
    const target = { ...release({ packageName, versionName: '1.0.0', opensearch: request().opensearch }), rollout: { stages: ['canary', 'fleet'], next: 1 }, steps: { createVersion: { versionArn: versionArn('1.0.0') } } };
    expect(await startRolloutStage(target, execution('release-1.0.0'), SETTINGS, deps())).toMatchObject({ status: 'watching' });
    expect(iot.commandCalls(CancelJobCommand)).toHaveLength(1);
  });

  it('a newer version’s rollout went forward since the rollback was planned: superseded, nothing canceled or created', async () => {
    await badRelease('1.2.0');
    iot.on(DescribeJobCommand).resolves({});
    expect(await rollBackRollout(request(), plan('1.1.0'), SETTINGS, deps())).toMatchObject({ status: 'superseded', reason: expect.stringContaining('1.2.0') });
    expect(created()).toHaveLength(1);
    expect(iot.commandCalls(CancelJobCommand)).toHaveLength(0);
  });

  it('the rollback’s job canceled by a person: RolloutAborted; canceled as superseded by a newer release: superseded', async () => {
    const jobId = rollbackJobId(request(), '1.0.0');
    iot.on(DescribeJobCommand, { jobId }).resolves({ job: { jobId, status: 'CANCELED', reasonCode: 'BY_HAND', comment: 'stop' } });
    await expect(rollBackRollout(request(), plan(), SETTINGS, deps())).rejects.toMatchObject({ name: 'RolloutAborted', message: expect.stringContaining('stop') });
    iot.on(DescribeJobCommand, { jobId }).resolves({ job: { jobId, status: 'CANCELED', reasonCode: 'SUPERSEDED', comment: 'superseded by 1.2.0' } });
    expect(await rollBackRollout(request(), plan(), SETTINGS, deps())).toMatchObject({ status: 'superseded', reason: 'superseded by 1.2.0' });
  });

  it('a rollback whose head another rollback replaced since (two at once) hands the devices nothing: the later head is in force', async () => {
    iot.on(DescribeJobCommand).resolves({});
    const lease = await acquireLease(store(), openSearchLeaseKey(request().opensearch.packageName), 'rollback-2', 'rollback');
    await moveHead(store(), lease, { head: '0.9.0', barredThrough: '1.1.0', token: 'the-other-rollback' });
    expect(await rollBackRollout(request(), plan(), SETTINGS, deps())).toMatchObject({ status: 'superseded', reason: expect.stringContaining('another rollback moved the head') });
    expect(created()).toHaveLength(0);
    expect(iot.commandCalls(CancelJobCommand)).toHaveLength(0);
  });

  it('the later of two rollbacks hands the devices its target even when the first one, superseded, never recorded its job (the bad version still the highest)', async () => {
    await badRelease('1.9.0');
    const jobId = rollbackJobId(request(), '1.0.0');
    iot.on(DescribeJobCommand).resolves({});
    // The first rollback (1.9.0 → 1.8.0) moved the head, then this one (planned against 1.8.0) replaced it.
    const lease = await acquireLease(store(), openSearchLeaseKey(request().opensearch.packageName), 'rollback', 'rollback');
    await moveHead(store(), lease, { head: '1.0.0', barredThrough: '1.9.0', token: request().rollbackToken });
    await expect(rollBackRollout(request(), plan('1.8.0'), SETTINGS, deps())).rejects.toMatchObject({ name: 'RolloutStageInProgress' });
    expect(created().map((i) => i.jobId)).toContain(jobId);
  });
});

