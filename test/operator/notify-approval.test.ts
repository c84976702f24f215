/**
 * The notify function as the approvals topic's subscriber, and on events it does not take.
 * WaitForApproval publishes each approval request, with the task token that approves it in a
 * message attribute, to the approvals topic only; notify passes the text on to the notification
 * topic, whose subscribers (e-mail, chat, queues) must never receive the token.
 */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildNotification } from '../../lib/notifications/format';
import { InvalidNotifyEvent } from '../../lib/notifications/invalid-event';

const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
const dynamodb = mockClient(DynamoDBClient);

const FAILURE_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:pkgrelease-prod-failures';
const APPROVAL_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:pkgrelease-prod-approvals';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAb7Xq0nE3p7fw0v2Yd3sH1d0kQ+3c2lA1hT6Y8mZr4s=';
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:pkgrelease-prod-release:edge-agent-1.4.0-5c1f0e6a3b9d2e47';
const TEXT =
  'pkgrelease: edge-agent 1.4.0 waits for approval before Promote (publish the IoT package version and move its default version). ' +
  `The version is created as DRAFT and OpenSearch package edge-agent-dict serves it. Approve: pkgrelease approve ${EXECUTION} | Reject: pkgrelease reject ${EXECUTION}`;

/** What Lambda receives from an SNS subscription (the message WaitForApproval published). */
function approvalRequest(topicArn = APPROVAL_TOPIC, message = TEXT): unknown {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`,
        Sns: {
          Type: 'Notification',
          MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
          TopicArn: topicArn,
          Subject: null,
          Message: message,
          Timestamp: '2026-12-03T12:00:00.000Z',
          MessageAttributes: { taskToken: { Type: 'String', Value: TOKEN } },
        },
      },
    ],
  };
}

const context = { functionName: 'notify', awsRequestId: 'r-1' } as Context;
const env = { ...process.env };
beforeEach(() => {
  sfn.reset();
  sns.reset();
  dynamodb.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  dynamodb.on(UpdateItemCommand).resolves({ Attributes: {} });
  process.env.IDEMPOTENCY_TABLE = 'pkgrelease-prod-idempotency';
  process.env.PACKAGES_CONFIG = JSON.stringify({ packages: { 'edge-agent': { opensearchPackage: 'edge-agent-dict', requireApproval: true } } });
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_REGION = 'eu-west-1';
  process.env.FAILURE_TOPIC_ARN = FAILURE_TOPIC;
  process.env.APPROVAL_TOPIC_ARN = APPROVAL_TOPIC;
});
afterEach(() => {
  process.env = { ...env };
});

describe('approval requests (notify subscribed to the approvals topic)', () => {
  it('tells the notification topic what waits and how to answer, without the task token', async () => {
    const { handler } = await import('../../functions/notify/handler');
    await handler(approvalRequest(), context);

    const calls = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([{ TopicArn: FAILURE_TOPIC, Subject: 'pkgrelease: edge-agent 1.4.0 waits for approval before Promote', Message: TEXT }]);
    expect(JSON.stringify(calls)).not.toContain(TOKEN);
  });

  it('cuts out a token that a message text would carry', async () => {
    const { handler } = await import('../../functions/notify/handler');
    await handler(approvalRequest(APPROVAL_TOPIC, `${TEXT} token=${TOKEN}`), context);

    const [call] = sns.commandCalls(PublishCommand);
    expect(call!.args[0].input.Message).toBe(`${TEXT} token=<task token omitted>`);
  });

  it('passes on messages of the approvals topic only (InvalidNotifyEvent, nothing sent)', async () => {
    const { handler } = await import('../../functions/notify/handler');
    const error = await handler(approvalRequest('arn:aws:sns:eu-west-1:123456789012:someone-else'), context).catch((e: Error) => e);

    expect(error).toBeInstanceOf(InvalidNotifyEvent);
    expect((error as Error).message).toMatch(/Records\.0\.Sns\.TopicArn: "arn:aws:sns:eu-west-1:123456789012:someone-else" is not the approvals topic/);
    expect(sns.commandCalls(PublishCommand)).toEqual([]);
  });
});

describe('an event notify does not take', () => {
  it.each([
    ['an empty object', {}],
    ['a status change without its detail', { version: '0', id: 'x', source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change' }],
    ['an SNS record without a message', { Records: [{ EventSource: 'aws:sns', Sns: { TopicArn: APPROVAL_TOPIC } }] }],
  ])('%s: InvalidNotifyEvent naming what is wrong and what to send, and nothing changed', async (_, event) => {
    const { handler } = await import('../../functions/notify/handler');
    const error = await handler(event, context).catch((e: Error) => e);

    expect(error).toBeInstanceOf(InvalidNotifyEvent);
    expect((error as Error).name).toBe('InvalidNotifyEvent');
    expect((error as Error).message).toMatch(/^notify cannot read this event \(.+: .+\); send it an EventBridge "Step Functions Execution Status Change" event .* or an SNS message from the approvals topic/);
    expect(sns.commandCalls(PublishCommand)).toEqual([]);
    expect(dynamodb.calls()).toEqual([]);
    expect(sfn.calls()).toEqual([]);
  });

  it('buildNotification names the member that does not fit', async () => {
    await expect(buildNotification({ source: 'aws.s3' }, { sfn: new SFNClient({}) })).rejects.toThrow(InvalidNotifyEvent);
    await expect(buildNotification({ source: 'aws.s3' }, { sfn: new SFNClient({}) })).rejects.toThrow(/\(version: Invalid input: expected string, received undefined\)/);
  });
});
