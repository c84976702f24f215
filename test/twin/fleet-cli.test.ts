import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSession } from '../../local/session';
import { type AwsCliResult, awsCliBatch } from '../support/aws-cli';

/**
 * The twin's things and IoT Jobs as the real AWS CLI v1 sees them (describe, list, cancel, a
 * template made from a job). Every command runs in one python process (awsCliBatch), in beforeAll.
 */
let session: LocalSession;
let results: AwsCliResult[];

const DOCUMENT = JSON.stringify({ operation: 'install', version: '1.0.0' });
const COMMANDS = {
  createThing: ['iot', 'create-thing', '--thing-name', 'sensor-1', '--attribute-payload', '{"attributes":{"site":"lab"}}'],
  describeThing: ['iot', 'describe-thing', '--thing-name', 'sensor-1'],
  createJob: ['iot', 'create-job', '--job-id', 'job-1', '--targets', '<thing-arn>', '--document', DOCUMENT, '--target-selection', 'SNAPSHOT'],
  listJobs: ['iot', 'list-jobs'],
  listExecutions: ['iot', 'list-job-executions-for-job', '--job-id', 'job-1'],
  template: ['iot', 'create-job-template', '--job-template-id', 'from-job-1', '--description', 'copied', '--job-arn', '<job-arn>'],
  describeTemplate: ['iot', 'describe-job-template', '--job-template-id', 'from-job-1'],
  cancel: ['iot', 'cancel-job', '--job-id', 'job-1', '--reason-code', 'BAD_BUILD', '--comment', 'rolled back'],
  describeJob: ['iot', 'describe-job', '--job-id', 'job-1'],
} as const;
type Case = keyof typeof COMMANDS;
const result = (c: Case) => results[Object.keys(COMMANDS).indexOf(c)]!;
const json = (c: Case) => result(c).json as Record<string, unknown>;

beforeAll(async () => {
  session = await LocalSession.start({ config: { packages: { 'edge-agent': {} } }, timeScale: 0.002 });
  const account = session.twin.accountId;
  const region = session.twin.region;
  const fill = (a: string) =>
    a.replace('<thing-arn>', `arn:aws:iot:${region}:${account}:thing/sensor-1`).replace('<job-arn>', `arn:aws:iot:${region}:${account}:job/job-1`);
  results = await awsCliBatch(
    Object.values(COMMANDS).map((args) => args.map(fill)),
    { endpoints: session.twin.endpoints },
  );
}, 120_000);

afterAll(async () => {
  await session?.close();
});

describe('things and IoT Jobs with the AWS CLI v1', () => {
  it('create-thing then describe-thing: the thing with its attributes and version', () => {
    expect(result('createThing').code).toBe(0);
    expect(json('describeThing')).toMatchObject({ thingName: 'sensor-1', defaultClientId: 'sensor-1', attributes: { site: 'lab' }, version: 1 });
  });

  it('create-job, list-jobs and list-job-executions-for-job: the job and its one execution', () => {
    expect(json('createJob')).toMatchObject({ jobId: 'job-1' });
    expect(json('listJobs').jobs).toEqual([expect.objectContaining({ jobId: 'job-1', targetSelection: 'SNAPSHOT', createdAt: expect.any(Number) })]);
    expect(json('listExecutions').executionSummaries).toEqual([expect.objectContaining({ thingArn: expect.stringContaining('thing/sensor-1'), jobExecutionSummary: expect.objectContaining({ queuedAt: expect.any(Number) }) })]);
  });

  it('create-job-template from the job takes its document', () => {
    expect(result('template').code).toBe(0);
    expect(json('describeTemplate')).toMatchObject({ jobTemplateId: 'from-job-1', document: DOCUMENT });
  });

  it('cancel-job: CANCELED with its reason code and comment', () => {
    expect(result('cancel').code).toBe(0);
    expect(json('describeJob').job).toMatchObject({ status: 'CANCELED', reasonCode: 'BAD_BUILD', comment: 'rolled back' });
  });
});
