import { CancelJobCommand, CreateJobCommand, DescribeJobCommand, type DescribeJobCommandOutput, GetPackageCommand, IoTClient, type Job, UpdatePackageCommand } from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { acquireLease, type LeaseStore, openSearchLeaseKey } from '../../lib/release/lease';
import { moveHead } from '../../lib/release/rollback/epoch';
import { defaultAfterRollout } from '../../lib/release/rollout/default';
import type { RolloutSettings } from '../../lib/release/rollout/settings';
import { type ExecutionContext, type RolloutRelease, startRolloutStage } from '../../lib/release/rollout/start-stage';
import { rolloutLeaseKey } from '../../lib/release/rollout/supersede';
import { watchRolloutStage } from '../../lib/release/rollout/watch-stage';
import { release } from '../fixtures/release';
import { useDynamoTwin } from './helpers';

/**
 * The rollout's superseding and fencing (lib/release/rollout/supersede.ts) with its lease and
 * records on a real conditional-write engine (the twin's DynamoDB), IoT Jobs mocked per call.
 */
const TABLE = 'rollout-twin';
const db = useDynamoTwin(TABLE);
const iot = mockClient(IoTClient);
const client = new IoTClient({ region: 'us-east-1' });

let n = 0;
let packageName = '';
beforeEach(() => {
  iot.reset();
  packageName = `agent-${++n}`;
});

const SETTINGS: RolloutSettings = { stages: [{ name: 'canary', targets: ['canary'] }, { name: 'fleet', targets: ['fleet'] }], jobDocument: { document: { steps: [] } } };
const clock = { now: 1_700_000_000_000 };
const store = (): LeaseStore => ({ dynamodb: db.client, table: TABLE, ttlSeconds: 60, now: () => clock.now });
const deps = () => ({ iot: client, lease: store() });
const execution = (name: string, redrives = 0): ExecutionContext => ({ Name: name, StartTime: new Date().toISOString(), RedriveCount: redrives });

function rolloutRelease(versionName: string, next = 0): RolloutRelease {
  return {
    ...release({ packageName, versionName, artifact: { bucket: 'b', key: `releases/${packageName}/${versionName}/a.zip`, version: versionName, etag: 'e' } }),
    rollout: { stages: ['canary', 'fleet'], next },
    steps: { createVersion: { versionArn: `arn:aws:iot:us-east-1:000000000000:package/${packageName}/version/${versionName}` } },
  };
}

const created = () => iot.commandCalls(CreateJobCommand).map((c) => c.args[0].input);

describe('starting a stage under the rollout lease', () => {
  it('creates the job once: a repeat finds it by its id ("already exists" is ours)', async () => {
    iot.on(CreateJobCommand).resolvesOnce({ jobId: 'x' }).rejects(Object.assign(new Error('exists'), { name: 'ResourceAlreadyExistsException' }));
    const r = rolloutRelease('1.0.0');
    const first = await startRolloutStage(r, execution('e1'), SETTINGS, deps());
    const again = await startRolloutStage(r, execution('e1'), SETTINGS, deps());
    expect(again).toEqual(first);
    expect(first).toMatchObject({ status: 'watching', current: { stage: 'canary', index: 0, attempt: 0 } });
    expect(created().map((i) => i.jobId)).toEqual([first.current!.jobId, first.current!.jobId]);
  });

  it('a newer release on the same group cancels the older one’s job (reason SUPERSEDED); the older then starts nothing', async () => {
    iot.on(CreateJobCommand).resolves({});
    iot.on(CancelJobCommand).resolves({});
    const older = await startRolloutStage(rolloutRelease('1.0.0'), execution('old'), SETTINGS, deps());
    const newer = await startRolloutStage(rolloutRelease('1.1.0'), execution('new'), SETTINGS, deps());
    expect(newer.status).toBe('watching');
    expect(iot.commandCalls(CancelJobCommand).map((c) => c.args[0].input)).toEqual([{ jobId: older.current!.jobId, reasonCode: 'SUPERSEDED', comment: `superseded by ${packageName}@1.1.0` }]);

    const olderFleet = await startRolloutStage(rolloutRelease('1.0.0', 1), execution('old'), SETTINGS, deps());
    expect(olderFleet).toMatchObject({ status: 'superseded', outcomes: [{ stage: 'fleet', outcome: 'superseded', supersededBy: '1.1.0' }] });
    expect(created()).toHaveLength(2);
  });

  it('a second upload of the same version (another token, another job) leaves the first one’s job running', async () => {
    iot.on(CreateJobCommand).resolves({});
    iot.on(CancelJobCommand).resolves({});
    const first = await startRolloutStage(rolloutRelease('1.0.0'), execution('first'), SETTINGS, deps());
    const again = await startRolloutStage({ ...rolloutRelease('1.0.0'), clientToken: 'another-upload-token-0123456789' }, execution('again'), SETTINGS, deps());
    expect(again.status).toBe('watching');
    expect(again.current!.jobId).not.toBe(first.current!.jobId);
    expect(iot.commandCalls(CancelJobCommand)).toHaveLength(0);
  });

  it('a version a rollback barred starts no stage (superseded by the head), and cancels nothing', async () => {
    iot.on(CreateJobCommand).resolves({});
    iot.on(CancelJobCommand).resolves({});
    const opensearch = { packageName: `dict-${packageName}` };
    const head = await startRolloutStage({ ...rolloutRelease('1.0.0'), opensearch }, execution('head'), SETTINGS, deps());
    // The rollback of 1.1.0 to 1.0.0 moved the head under the OpenSearch package's lease.
    const lease = await acquireLease(store(), openSearchLeaseKey(opensearch.packageName), 'rollback', 'rollback');
    expect(await moveHead(store(), lease, { head: '1.0.0', barredThrough: '1.1.0', token: 'rb' })).toMatchObject({ epoch: 1 });
    const barred = await startRolloutStage({ ...rolloutRelease('1.1.0'), opensearch }, execution('bad'), SETTINGS, deps());
    expect(barred).toMatchObject({ status: 'superseded', outcomes: [{ stage: 'canary', outcome: 'superseded', supersededBy: '1.0.0' }] });
    expect(created().map((i) => i.jobId)).toEqual([head.current!.jobId]);
    expect(iot.commandCalls(CancelJobCommand)).toHaveLength(0);
    // A newer version goes forward as usual.
    expect(await startRolloutStage({ ...rolloutRelease('1.2.0'), opensearch }, execution('next'), SETTINGS, deps())).toMatchObject({ status: 'watching' });
  });

  it('waits (RolloutLocked) while another release holds the lease, and creates nothing', async () => {
    await acquireLease(store(), rolloutLeaseKey(packageName), 'other-execution', `${packageName}@2.0.0`);
    await expect(startRolloutStage(rolloutRelease('1.0.0'), execution('e1'), SETTINGS, deps())).rejects.toMatchObject({ name: 'RolloutLocked' });
    expect(created()).toHaveLength(0);
  });

  it('a holder whose lease expired and was taken meanwhile (a stalled invocation) stops before CreateJob', async () => {
    iot.on(CreateJobCommand).resolves({});
    // The older release's job is on the group; while the newer one cancels it, it stalls past the TTL and another execution takes the lease.
    await startRolloutStage(rolloutRelease('1.0.0'), execution('old'), SETTINGS, deps());
    iot.on(CancelJobCommand).callsFake(async () => {
      clock.now += 61_000;
      await acquireLease(store(), rolloutLeaseKey(packageName), 'thief', `${packageName}@9.0.0`);
      return {};
    });
    await expect(startRolloutStage(rolloutRelease('1.1.0'), execution('stalled'), SETTINGS, deps())).rejects.toMatchObject({ name: 'RolloutLocked', message: expect.stringContaining('was lost') });
    expect(created()).toHaveLength(1);
  });
});

describe('watching a stage', () => {
  const job = (over: Partial<Job>): DescribeJobCommandOutput => ({ $metadata: {}, job: { jobId: 'j', status: 'IN_PROGRESS', createdAt: new Date(), jobProcessDetails: {}, ...over } });
  const watching = (attempt = 0) => ({ ...rolloutRelease('1.0.0'), rollout: { stages: ['canary', 'fleet'], next: 0, status: 'watching' as const, current: { stage: 'canary', index: 0, jobId: 'j', attempt } } });

  it('in progress: RolloutStageInProgress with the counts', async () => {
    iot.on(DescribeJobCommand).resolves(job({ jobProcessDetails: { numberOfQueuedThings: 4, numberOfSucceededThings: 6 } }));
    await expect(watchRolloutStage(watching(), execution('e'), SETTINGS, deps())).rejects.toMatchObject({ name: 'RolloutStageInProgress', message: expect.stringContaining('4 queued, 6 succeeded') });
  });

  it('past the stage’s timeoutMinutes: RolloutStageTimedOut', async () => {
    iot.on(DescribeJobCommand).resolves(job({ createdAt: new Date(Date.now() - 31 * 60_000) }));
    const e = { ...execution('e'), StartTime: new Date(Date.now() - 40 * 60_000).toISOString() };
    await expect(watchRolloutStage(watching(), e, SETTINGS, deps())).rejects.toMatchObject({ name: 'RolloutStageTimedOut' });
  });

  it('completed below minSuccessPercent: RolloutAborted BELOW_SUCCESS_CRITERION', async () => {
    iot.on(DescribeJobCommand).resolves(job({ status: 'COMPLETED', jobProcessDetails: { numberOfSucceededThings: 9, numberOfRejectedThings: 1 } }));
    await expect(watchRolloutStage(watching(), execution('e'), SETTINGS, deps())).rejects.toMatchObject({ name: 'RolloutAborted', failureType: 'BELOW_SUCCESS_CRITERION', message: expect.stringContaining('90.0 % of its things succeeded') });
    const lenient = { ...SETTINGS, stages: [{ ...SETTINGS.stages[0]!, minSuccessPercent: 90, approveBeforeNext: true }, SETTINGS.stages[1]!] };
    expect(await watchRolloutStage(watching(), execution('e'), lenient, deps())).toMatchObject({ status: 'approval', next: 1, approval: { after: 'canary', before: 'fleet' }, outcomes: [{ stage: 'canary', outcome: 'passed' }] });
  });

  it('canceled by a person: RolloutAborted CANCELED; a redrive starts attempt 1 of the stage as a new job', async () => {
    iot.on(DescribeJobCommand).resolves({});
    iot.on(DescribeJobCommand, { jobId: 'j' }).resolves(job({ status: 'CANCELED', reasonCode: 'BY_HAND', comment: 'stop' }));
    await expect(watchRolloutStage(watching(), execution('e'), SETTINGS, deps())).rejects.toMatchObject({ name: 'RolloutAborted', failureType: 'CANCELED' });
    iot.on(CreateJobCommand).resolves({});
    const redriven = await watchRolloutStage(watching(), execution('e', 1), SETTINGS, deps()).catch((e: Error) => e);
    // The new job is not visible to the mock: the poll goes on; the job was created with the -a1 id.
    expect(redriven).toMatchObject({ name: 'RolloutStageInProgress' });
    expect(created().map((i) => i.jobId)).toEqual([expect.stringMatching(/-canary-[0-9a-f]{10}-a1$/)]);
  });

  it('completed below minSuccessPercent: a redrive (devices fixed) starts attempt 1 of the stage, instead of judging the same job again', async () => {
    iot.on(DescribeJobCommand).resolves({});
    iot.on(DescribeJobCommand, { jobId: 'j' }).resolves(job({ status: 'COMPLETED', jobProcessDetails: { numberOfSucceededThings: 5, numberOfFailedThings: 5 } }));
    iot.on(CreateJobCommand).resolves({});
    await expect(watchRolloutStage(watching(), execution('e'), SETTINGS, deps())).rejects.toMatchObject({ name: 'RolloutAborted', failureType: 'BELOW_SUCCESS_CRITERION' });
    expect(created()).toEqual([]);
    await expect(watchRolloutStage(watching(), execution('e', 1), SETTINGS, deps())).rejects.toMatchObject({ name: 'RolloutStageInProgress' });
    expect(created().map((i) => i.jobId)).toEqual([expect.stringMatching(/-canary-[0-9a-f]{10}-a1$/)]);
  });

  it('the last stage passed: done; RolloutDefault then moves the default only forward (if-newer)', async () => {
    iot.on(DescribeJobCommand).resolves(job({ status: 'COMPLETED', jobProcessDetails: { numberOfSucceededThings: 200 } }));
    const last = { ...watching(), rollout: { ...watching().rollout, next: 1, current: { stage: 'fleet', index: 1, jobId: 'j', attempt: 0 } } };
    const done = await watchRolloutStage(last, execution('e'), SETTINGS, deps());
    expect(done).toMatchObject({ status: 'done', next: 2, outcomes: [{ stage: 'fleet', outcome: 'passed', counts: { succeeded: 200 } }] });

    iot.on(GetPackageCommand).resolves({ defaultVersionName: '1.2.0' });
    iot.on(UpdatePackageCommand).resolves({});
    expect(await defaultAfterRollout({ ...last, rollout: done }, 'e', deps())).toEqual({ defaultVersion: '1.2.0', defaultChanged: false });
    iot.on(GetPackageCommand).resolves({ defaultVersionName: '0.9.0' });
    expect(await defaultAfterRollout({ ...last, rollout: done }, 'e', deps())).toEqual({ defaultVersion: '1.0.0', defaultChanged: true });
    expect(await defaultAfterRollout({ ...last, rollout: { ...done, status: 'superseded' } }, 'e', deps())).toMatchObject({ defaultChanged: false, skipped: 'superseded' });
    expect(iot.commandCalls(UpdatePackageCommand)).toHaveLength(1);
  });
});
