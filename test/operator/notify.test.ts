import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getExecutionFailure } from '../../lib/clients/sfn';
import { buildNotification, formatNotification, redact, subjectLine } from '../../lib/notifications/format';
import { setMetricsSink } from '../../lib/lambda/metrics';
import { EmfLog } from '../../local/twin/emf-log';
import { throttled } from './aws-errors';

const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
const dynamodb = mockClient(DynamoDBClient);

// biome-ignore lint/suspicious/noExplicitAny: each test edits the fixture event freely
function statusChange(): any {
  return JSON.parse(readFileSync(new URL('./fixtures/sfn-execution-status-change-failed.json', import.meta.url), 'utf8'));
}

/** The same failure, of a rollback execution (statemachines/rollback.asl.json). */
// biome-ignore lint/suspicious/noExplicitAny: each test edits the fixture event freely
function rollbackFailed(): any {
  const event = statusChange();
  const name = 'rollback-edge-agent-1.0.0-2f9c41d07a3b5e68';
  event.detail.stateMachineArn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:pkgrelease-prod-rollback';
  event.detail.executionArn = `arn:aws:states:eu-west-1:123456789012:execution:pkgrelease-prod-rollback:${name}`;
  event.detail.name = name;
  event.detail.input = JSON.stringify({ packageName: 'edge-agent', targetVersion: '1.0.0', requestedBy: 'alice', reason: 'bad dictionary in 1.1.0', rollbackToken: '2f9c41d07a3b5e68' });
  event.detail.error = 'OpenSearchPackageFailed';
  event.detail.cause = '{"errorMessage":"the import of 1.0.0 failed"}';
  return event;
}

// biome-ignore lint/suspicious/noExplicitAny: each test edits the fixture event freely
function codePipelineJob(): any {
  return JSON.parse(readFileSync(new URL('../fixtures/events/codepipeline-codePipelineEvent.json', import.meta.url), 'utf8'));
}

/** Newest first, as GetExecutionHistory returns it with reverseOrder. */
const historyNewestFirst = [
  { id: 12, type: 'ExecutionFailed', executionFailedEventDetails: { error: 'VersionConflict', cause: '{"errorMessage":"conflict"}' } },
  { id: 11, type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error: 'VersionConflict', cause: '{"errorMessage":"conflict"}' } },
  { id: 10, type: 'LambdaFunctionStarted' },
  { id: 9, type: 'LambdaFunctionScheduled' },
  { id: 8, type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'CreateVersion' } },
  { id: 7, type: 'TaskStateExited', stateExitedEventDetails: { name: 'Prepare' } },
].map((e) => ({ timestamp: new Date(), ...e })) as HistoryEvent[];

describe('failure notification', () => {
  beforeEach(() => {
    sfn.reset();
    sns.reset();
  });

  it.each([[{}], [{ 'detail-type': 'Object Created', detail: {} }], ['not an event']])('refuses %j with InvalidNotifyEvent that says what it takes, and sends nothing', async (bad) => {
    await expect(buildNotification(bad, { sfn: new SFNClient({}) })).rejects.toMatchObject({
      name: 'InvalidNotifyEvent',
      message: expect.stringContaining('Step Functions Execution Status Change'),
    });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('names package, version, failed state, error and cause, and links the execution in the console', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves({ events: historyNewestFirst });
    const event = statusChange();

    const note = await buildNotification(event, { sfn: new SFNClient({}) });

    expect(note!.subject).toBe('pkgrelease FAILED: edge-agent@1.2.0 at CreateVersion (VersionConflict)');
    const lines = note!.message.split('\n');
    expect(lines).toContain('Package:       edge-agent');
    expect(lines).toContain('Version:       1.2.0');
    expect(lines).toContain('Failed state:  CreateVersion');
    expect(lines).toContain('Error:         VersionConflict');
    // The Lambda cause's message, without its stack trace.
    expect(note!.message).toContain('Cause:         edge-agent@1.2.0 already exists with a different artifact');
    expect(note!.message).not.toContain('index.mjs');
    expect(lines).toContain('Client token:  5c1f0e6a3b9d2e4700c2f1d9a8b7e6f5d4c3b2a1908f7e6d5c4b3a2918f7e6d5');
    expect(lines).toContain(
      'Console: https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/' +
        'arn:aws:states:eu-west-1:123456789012:execution:pkgrelease-prod-release:edge-agent-1.2.0-5c1f0e6a3b9d2e47',
    );
    expect(lines).toContain('Started:       2025-03-14T09:26:52.345Z');
    expect(lines).toContain('Redrive:       REDRIVABLE');
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[0]!.args[0].input).toMatchObject({
      executionArn: event.detail.executionArn,
      reverseOrder: true,
      includeExecutionData: false,
    });
  });

  it('never copies credentials from the input: a CodePipeline-style input yields no release fields', () => {
    const job = codePipelineJob();
    const creds = job['CodePipeline.job'].data.artifactCredentials;
    const event = statusChange();
    event.detail.input = JSON.stringify(job);
    event.detail.error = 'States.Runtime';
    // A States.Runtime cause quotes the state's input.
    event.detail.cause = `An error occurred while executing the state 'Prepare'. The JSONPath '$.x' could not be found in the input '${JSON.stringify(job)}'`;

    const note = formatNotification(event, { state: 'Prepare' });

    for (const secret of [creds.accessKeyId, creds.secretAccessKey, creds.sessionToken]) {
      expect(note.message).not.toContain(secret);
      expect(note.subject).not.toContain(secret);
    }
    expect(note.message).toContain('Package:       unknown (not in the execution input)');
    expect(note.message).toContain("could not be found in the input '<omitted>'");
    expect(note.subject).toBe('pkgrelease FAILED: edge-agent-1.2.0-5c1f0e6a3b9d2e47 at Prepare (States.Runtime)');
  });

  it('names an SBOM or rollout failure with the catalog\'s action, and a new release for what a redrive cannot fix', () => {
    for (const [error, action] of [
      ['SbomInvalid', "upload a corrected SBOM to the same key, then redrive: it attaches the newest SBOM version (pkgrelease sbom <package> <version> shows each file's result)"],
      ['RolloutAborted', 'fix the devices the counts name, then redrive: it runs the aborted stage again as a new job'],
    ] as const) {
      const event = statusChange();
      event.detail.error = error;
      const note = formatNotification(event, { state: error === 'SbomInvalid' ? 'CheckSbom' : 'WatchRolloutStage' });
      expect(note.subject).toContain(`(${error})`);
      expect(note.message).toMatch(new RegExp(`^Action: +${action.replace(/[()<>]/g, '\\$&')}$`, 'm'));
      expect(note.message).toContain('pkgrelease redrive ');
    }
    const conflict = statusChange();
    conflict.detail.error = 'VersionConflict';
    const note = formatNotification(conflict, { state: 'CreateVersion' });
    expect(note.message).not.toContain('pkgrelease redrive ');
    expect(note.message).toContain('A redrive cannot fix VersionConflict');
  });

  it('names a rollback as a rollback: the package, the version it goes back to, who asked and why', () => {
    const note = formatNotification(rollbackFailed(), { state: 'RollBackOpenSearch' });
    expect(note.subject).toBe('pkgrelease FAILED: rollback of edge-agent to 1.0.0 at RollBackOpenSearch (OpenSearchPackageFailed)');
    const lines = note.message.split('\n');
    expect(lines[0]).toBe('A pkgrelease rollback did not complete: FAILED.');
    expect(lines).toEqual(expect.arrayContaining(['Package:       edge-agent', 'Rollback to:   1.0.0', 'Requested by:  alice', 'Reason:        bad dictionary in 1.1.0']));
    expect(note.message).not.toContain('Version:');
    expect(note.message).toContain('start a new rollback');
  });

  it('masks credential fields in any cause', () => {
    expect(redact('{"accessKeyId":"AKIA1","secretAccessKey":"s3cr3t","sessionToken":"tok","other":"kept"}')).toBe(
      '{"accessKeyId":"<redacted>","secretAccessKey":"<redacted>","sessionToken":"<redacted>","other":"kept"}',
    );
    expect(redact('{\\"secretAccessKey\\":\\"s3cr3t\\"}')).toBe('{\\"secretAccessKey\\":\\"<redacted>\\"}');
  });

  it('keeps the subject under 100 printable ASCII characters on one line', () => {
    const event = statusChange();
    event.detail.input = JSON.stringify({ packageName: 'p'.repeat(128), versionName: 'v'.repeat(64), artifact: { bucket: 'b', key: 'k' } });
    const note = formatNotification(event, { state: 'UpdateOpenSearch' });
    expect(note.subject.length).toBeLessThanOrEqual(99);
    expect(note.subject).toMatch(/^pkgrelease FAILED: p+\.\.\.$/);
    expect(subjectLine('a\nb\u0007 ü')).toBe('a b? ?');
  });

  it('still notifies when the history cannot be read (throttled), without the failed state', async () => {
    sfn.on(GetExecutionHistoryCommand).rejects(throttled());
    const note = await buildNotification(statusChange(), { sfn: new SFNClient({}) });
    expect(note!.lookupError).toBe('ThrottlingException: Rate exceeded');
    expect(note!.subject).toBe('pkgrelease FAILED: edge-agent@1.2.0 (VersionConflict)');
    expect(note!.message).toContain('Failed state:  unknown');
  });

  it('uses the history\'s error for TIMED_OUT and ABORTED events, and ignores other statuses', async () => {
    const event = statusChange();
    Object.assign(event.detail, { status: 'TIMED_OUT', error: null, cause: null });
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        { id: 3, timestamp: new Date(), type: 'ExecutionTimedOut', executionTimedOutEventDetails: { error: 'States.Timeout', cause: 'overall timeout' } },
        { id: 2, timestamp: new Date(), type: 'WaitStateEntered', stateEnteredEventDetails: { name: 'WaitForOpenSearch' } },
      ],
    });
    const note = await buildNotification(event, { sfn: new SFNClient({}) });
    expect(note!.subject).toBe('pkgrelease TIMED_OUT: edge-agent@1.2.0 at WaitForOpenSearch (States.Timeout)');

    await expect(buildNotification({ ...event, detail: { ...event.detail, status: 'SUCCEEDED' } }, { sfn: new SFNClient({}) })).resolves.toBeUndefined();
    await expect(buildNotification({ source: 'aws.s3' }, { sfn: new SFNClient({}) })).rejects.toThrow();
  });

  it('reads history pages until it finds the state the failure happened in', async () => {
    const [failed, lambdaFailed, ...rest] = historyNewestFirst;
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: [failed!], nextToken: 'p2' })
      .resolvesOnce({ events: [lambdaFailed!, rest[0]!], nextToken: 'p3' })
      .resolvesOnce({ events: rest.slice(1), nextToken: 'p4' });
    await expect(getExecutionFailure(new SFNClient({}), 'arn:exec')).resolves.toEqual({
      state: 'CreateVersion',
      error: 'VersionConflict',
      cause: 'conflict',
    });
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(3);
  });
});

describe('notify handler', () => {
  const env = { ...process.env };
  beforeEach(() => {
    sfn.reset();
    sns.reset();
    dynamodb.reset();
    dynamodb.on(UpdateItemCommand).resolves({ Attributes: {} });
    process.env.IDEMPOTENCY_TABLE = 'pkgrelease-prod-idempotency';
    process.env.PACKAGES_CONFIG = JSON.stringify({ packages: { 'edge-agent': { opensearchPackage: 'edge-agent-dict' } } });
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    process.env.AWS_REGION = 'eu-west-1';
    process.env.FAILURE_TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:pkgrelease-prod-failures';
  });
  afterEach(() => {
    process.env = { ...env };
  });

  it('publishes one message to FAILURE_TOPIC_ARN', async () => {
    const { handler } = await import('../../functions/notify/handler');
    sfn.on(GetExecutionHistoryCommand).resolves({ events: historyNewestFirst });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    await handler(statusChange(), { functionName: 'notify', awsRequestId: 'r-1' } as Context);

    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toMatchObject({
      TopicArn: process.env.FAILURE_TOPIC_ARN,
      Subject: 'pkgrelease FAILED: edge-agent@1.2.0 at CreateVersion (VersionConflict)',
      Message: expect.stringContaining('Failed state:  CreateVersion'),
    });
  });

  it('notifies a failed rollback, and counts it in no release metric', async () => {
    const { handler } = await import('../../functions/notify/handler');
    const metrics = new EmfLog();
    setMetricsSink((line) => metrics.record(line));
    sfn.on(GetExecutionHistoryCommand).resolves({ events: historyNewestFirst });
    sns.on(PublishCommand).resolves({ MessageId: 'm-4' });

    await handler(rollbackFailed(), { functionName: 'notify', awsRequestId: 'r-4' } as Context);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.Subject).toMatch(/^pkgrelease FAILED: rollback of edge-agent to 1\.0\.0/);
    expect(metrics.metrics()).toEqual([]);
    // The release's failure, for comparison, is counted.
    await handler(statusChange(), { functionName: 'notify', awsRequestId: 'r-5' } as Context);
    expect(metrics.metrics().map((m) => m.name)).toContain('ReleasesFailed');
  });

  it('fails loudly without a topic, and publishes nothing for a non-failure status', async () => {
    const { handler } = await import('../../functions/notify/handler');
    const context = { functionName: 'notify', awsRequestId: 'r-2' } as Context;
    delete process.env.FAILURE_TOPIC_ARN;
    await expect(handler(statusChange(), context)).rejects.toThrow(/FAILURE_TOPIC_ARN/);

    process.env.FAILURE_TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:t';
    const succeeded = statusChange();
    succeeded.detail.status = 'SUCCEEDED';
    await handler(succeeded, context);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('frees the OpenSearch package lease the failed execution still holds, before notifying', async () => {
    const { handler } = await import('../../functions/notify/handler');
    sfn.on(GetExecutionHistoryCommand).resolves({ events: historyNewestFirst });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    await handler(statusChange(), { functionName: 'notify', awsRequestId: 'r-3' } as Context);

    const [update] = dynamodb.commandCalls(UpdateItemCommand);
    expect(update!.args[0].input).toMatchObject({
      TableName: 'pkgrelease-prod-idempotency',
      Key: { id: { S: 'lease#opensearch-package#edge-agent-dict' } },
      ConditionExpression: '#owner = :owner AND #expiresAt > :soon',
      ExpressionAttributeValues: expect.objectContaining({ ':owner': { S: 'edge-agent-1.2.0-5c1f0e6a3b9d2e47' } }),
    });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});
