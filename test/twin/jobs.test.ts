import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelJobCommand,
  CreateJobCommand,
  CreateJobTemplateCommand,
  DescribeJobCommand,
  DescribeJobExecutionCommand,
  type IoTClient,
  ListJobExecutionsForJobCommand,
  ListJobsCommand,
} from '@aws-sdk/client-iot';
import { startTwin, type Twin } from '../../local/twin';
import { failure, waitFor } from './helpers';
import { DOCUMENT, fleetClients, groupArn, packageVersion, thingArn } from './fleet-helpers';

let twin: Twin;
let iot: IoTClient;
let published: string;
let draft: string;

beforeAll(async () => {
  // One simulated minute = 60 ms; a device takes 1 s to pick up and 30 s (±20 %) to finish.
  twin = await startTwin({
    seed: 5,
    timeScale: 0.001,
    devices: [
      { group: 'ok', count: 5 },
      { group: 'slow', count: 20, durationSeconds: 3600 },
      { group: 'silent', count: 2, outcomes: { timeOut: 1 } },
      { group: 'refuse', count: 2, outcomes: { reject: 1 } },
    ],
  });
  ({ iot } = fleetClients(twin));
  published = await packageVersion(iot, 'agent', '1.0.0');
  draft = await packageVersion(iot, 'agent', '1.1.0', false);
});
afterAll(async () => {
  iot.destroy();
  await twin.close();
});

const job = (jobId: string, extra: Record<string, unknown> = {}) => new CreateJobCommand({ jobId, targets: [groupArn(twin, 'ok')], document: DOCUMENT, ...extra });
const describe_ = async (jobId: string) => (await iot.send(new DescribeJobCommand({ jobId }))).job!;

describe('IoT Jobs stand-in: CreateJob validation', () => {
  it('refuses a second CreateJob with the same jobId as ResourceAlreadyExistsException (409), even when identical', async () => {
    const created = await iot.send(job('dup-1'));
    expect(created).toMatchObject({ jobId: 'dup-1', jobArn: 'arn:aws:iot:us-east-1:000000000000:job/dup-1' });
    const err = await failure(iot.send(job('dup-1')));
    expect(err.name).toBe('ResourceAlreadyExistsException');
    expect(err.$metadata.httpStatusCode).toBe(409);
    expect(err).toMatchObject({ resourceId: 'dup-1', resourceArn: created.jobArn });
  });

  it('deploys only PUBLISHED or DEPRECATED package versions, each existing, at most 25', async () => {
    await iot.send(job('pkg-ok', { destinationPackageVersions: [published] }));
    const drafted = await failure(iot.send(job('pkg-draft', { destinationPackageVersions: [draft] })));
    expect(drafted.name).toBe('InvalidRequestException');
    expect(drafted.message).toContain('DRAFT');
    const missing = await failure(iot.send(job('pkg-missing', { destinationPackageVersions: [published.replace('1.0.0', '9.9.9')] })));
    expect(missing.name).toBe('ResourceNotFoundException');
    const many = Array.from({ length: 26 }, (_, i) => published.replace('agent', `p${i}`));
    const tooMany = await failure(iot.send(job('pkg-many', { destinationPackageVersions: many })));
    expect(tooMany.name).toBe('InvalidRequestException');
    expect(tooMany.message).toContain('25');
    expect((await failure(iot.send(new DescribeJobCommand({ jobId: 'pkg-draft' })))).name).toBe('ResourceNotFoundException');
  });

  it('needs presignedUrlConfig when the document uses the package artifact placeholder', async () => {
    const doc = JSON.stringify({ url: '${aws:iot:package:agent:version:1.0.0:artifact:s3-presigned-url}' });
    const err = await failure(iot.send(job('presigned-1', { document: doc })));
    expect(err.name).toBe('InvalidRequestException');
    expect(err.message).toContain('presignedUrlConfig');
    await iot.send(job('presigned-2', { document: doc, presignedUrlConfig: { roleArn: 'arn:aws:iam::000000000000:role/presign', expiresInSec: 300 } }));
    const unknown = await failure(iot.send(job('presigned-3', { document: doc.replace('1.0.0', '7.0.0'), presignedUrlConfig: { roleArn: 'arn:aws:iam::000000000000:role/presign' } })));
    expect(unknown.message).toContain('agent/7.0.0');
  });

  it('checks targets, the document source, and the rollout, abort, timeout and retry members', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ targets: [groupArn(twin, 'nope')] }, 'ResourceNotFoundException', 'nope'],
      [{ targets: ['arn:aws:iot:eu-west-1:000000000000:thing/x'] }, 'InvalidRequestException', 'not a thing or thing group ARN'],
      [{ document: undefined }, 'InvalidRequestException', 'document'],
      [{ document: 'not json' }, 'InvalidRequestException', 'JSON object'],
      [{ jobExecutionsRolloutConfig: { maximumPerMinute: 0 } }, 'InvalidRequestException', 'jobExecutionsRolloutConfig.maximumPerMinute'],
      [{ jobExecutionsRolloutConfig: { exponentialRate: { baseRatePerMinute: 10, incrementFactor: 2, rateIncreaseCriteria: { numberOfNotifiedThings: 5, numberOfSucceededThings: 5 } } } }, 'InvalidRequestException', 'exactly one'],
      [{ abortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 10.999, minNumberOfExecutedThings: 1 }] } }, 'InvalidRequestException', 'two digits'],
      [{ abortConfig: { criteriaList: [] } }, 'InvalidRequestException', 'abortConfig.criteriaList'],
      [{ timeoutConfig: { inProgressTimeoutInMinutes: 10081 } }, 'InvalidRequestException', 'inProgressTimeoutInMinutes'],
      [{ jobExecutionsRetryConfig: { criteriaList: [{ failureType: 'FAILED', numberOfRetries: 11 }] } }, 'InvalidRequestException', 'numberOfRetries'],
      [{ documentSource: 'https://s3.us-east-1.amazonaws.com/bucket/missing.json', document: undefined }, 'InvalidRequestException', 'does not exist'],
      [{ jobTemplateArn: 'arn:aws:iot:us-east-1:000000000000:jobtemplate/none', document: undefined }, 'ResourceNotFoundException', 'none'],
    ];
    for (const [i, [extra, name, text]] of cases.entries()) {
      const err = await failure(iot.send(job(`bad-${i}`, extra)));
      expect([err.name, err.message], JSON.stringify(extra)).toEqual([name, expect.stringContaining(text)]);
    }
    expect((await iot.send(new ListJobsCommand({}))).jobs?.some((j) => j.jobId?.startsWith('bad-'))).toBe(false);
  });

  it('reads the document from the twin S3 (documentSource) and from a job template', async () => {
    twin.s3.ensureBucket('jobdocs');
    twin.s3.putObject('jobdocs', 'agent/job.json', DOCUMENT);
    await iot.send(job('from-s3', { document: undefined, documentSource: 'https://s3.us-east-1.amazonaws.com/jobdocs/agent/job.json' }));
    expect((await iot.send(new DescribeJobCommand({ jobId: 'from-s3' }))).documentSource).toContain('jobdocs');
    const t = await iot.send(new CreateJobTemplateCommand({ jobTemplateId: 'install', description: 'install agent', document: DOCUMENT, timeoutConfig: { inProgressTimeoutInMinutes: 30 } }));
    await iot.send(job('from-template', { document: undefined, jobTemplateArn: t.jobTemplateArn }));
    expect((await describe_('from-template')).timeoutConfig).toEqual({ inProgressTimeoutInMinutes: 30 });
  });
});

describe('IoT Jobs stand-in: executions with simulated devices', () => {
  it('runs a job to COMPLETED on succeeding devices, with executions and counts as DescribeJob gives them', async () => {
    await iot.send(job('complete-1', { description: 'five devices' }));
    const done = await waitFor(() => describe_('complete-1'), (j) => j.status === 'COMPLETED', 5000);
    expect(done.jobProcessDetails).toMatchObject({ numberOfSucceededThings: 5, numberOfQueuedThings: 0, numberOfInProgressThings: 0, numberOfFailedThings: 0 });
    expect(done.jobProcessDetails?.processingTargets).toBeUndefined();
    expect(done.completedAt).toBeInstanceOf(Date);
    const list = await iot.send(new ListJobExecutionsForJobCommand({ jobId: 'complete-1', status: 'SUCCEEDED', maxResults: 2 }));
    expect(list.executionSummaries).toHaveLength(2);
    expect(list.nextToken).toBeDefined();
    const e = await iot.send(new DescribeJobExecutionCommand({ jobId: 'complete-1', thingName: 'ok-1' }));
    expect(e.execution).toMatchObject({ status: 'SUCCEEDED', thingArn: thingArn(twin, 'ok-1'), jobId: 'complete-1' });
    expect(e.execution?.startedAt).toBeInstanceOf(Date);
  });

  it('notifies at most maximumPerMinute things per (scaled) minute', async () => {
    await iot.send(new CreateJobCommand({ jobId: 'rate-1', targets: [groupArn(twin, 'slow')], document: DOCUMENT, jobExecutionsRolloutConfig: { maximumPerMinute: 5 } }));
    const first = await describe_('rate-1');
    const notified = (j: typeof first) => (j.jobProcessDetails?.numberOfQueuedThings ?? 0) + (j.jobProcessDetails?.numberOfInProgressThings ?? 0);
    expect(notified(first)).toBe(5);
    expect(first.jobProcessDetails?.processingTargets).toEqual([groupArn(twin, 'slow')]);
    const later = await waitFor(() => describe_('rate-1'), (j) => notified(j) >= 10, 3000);
    expect(notified(later)).toBeLessThanOrEqual(15);
  });

  it('times out executions of silent devices after inProgressTimeoutInMinutes and counts rejections', async () => {
    await iot.send(new CreateJobCommand({ jobId: 'timeout-1', targets: [groupArn(twin, 'silent'), groupArn(twin, 'refuse')], document: DOCUMENT, timeoutConfig: { inProgressTimeoutInMinutes: 1 } }));
    const done = await waitFor(() => describe_('timeout-1'), (j) => j.status === 'COMPLETED', 5000);
    expect(done.jobProcessDetails).toMatchObject({ numberOfTimedOutThings: 2, numberOfRejectedThings: 2 });
  });

  it('cancels: queued executions at once, in-progress ones only with force; a completed job cannot be canceled', async () => {
    await iot.send(new CreateJobCommand({ jobId: 'cancel-1', targets: [groupArn(twin, 'slow')], document: DOCUMENT, jobExecutionsRolloutConfig: { maximumPerMinute: 1 } }));
    await waitFor(() => iot.send(new DescribeJobExecutionCommand({ jobId: 'cancel-1', thingName: 'slow-1' })), (e) => e.execution?.status === 'IN_PROGRESS', 3000);
    await iot.send(new CancelJobCommand({ jobId: 'cancel-1', reasonCode: 'OPERATOR_STOP', comment: 'stop' }));
    let j = await describe_('cancel-1');
    expect(j).toMatchObject({ status: 'CANCELED', reasonCode: 'OPERATOR_STOP', comment: 'stop' });
    expect(j.jobProcessDetails?.numberOfInProgressThings).toBeGreaterThan(0);
    await iot.send(new CancelJobCommand({ jobId: 'cancel-1', force: true }));
    j = await describe_('cancel-1');
    expect(j.forceCanceled).toBe(true);
    expect(j.jobProcessDetails?.numberOfInProgressThings).toBe(0);
    const again = await failure(iot.send(new CancelJobCommand({ jobId: 'cancel-1', force: true })));
    expect(again.name).toBe('InvalidRequestException');
    const completed = await failure(iot.send(new CancelJobCommand({ jobId: 'complete-1' })));
    expect(completed.name).toBe('InvalidRequestException');
  });

  it('lists jobs by status and by targeted thing group', async () => {
    const canceled = await iot.send(new ListJobsCommand({ status: 'CANCELED' }));
    expect(canceled.jobs?.map((j) => j.jobId)).toContain('cancel-1');
    expect(canceled.jobs?.every((j) => j.status === 'CANCELED')).toBe(true);
    const silent = await iot.send(new ListJobsCommand({ thingGroupName: 'silent' }));
    expect(silent.jobs?.map((j) => j.jobId)).toEqual(['timeout-1']);
    expect(silent.jobs?.[0]?.thingGroupId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
