import { GetExecutionHistoryCommand, type HistoryEvent, SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { answerApproval, NotWaitingForApproval, RELEASE_REJECTED } from '../../lib/operations/approval';

const sfn = mockClient(SFNClient);
const arn = 'arn:aws:states:eu-west-1:123456789012:execution:pkgrelease-prod-release:edge-agent-1.2.0-0123abcd';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAe…token';

let id = 0;
const event = (type: string, extra: Partial<HistoryEvent> = {}): HistoryEvent => ({ id: ++id, type: type as HistoryEvent['type'], timestamp: new Date(), ...extra });
/** The history of an execution that entered WaitForApproval, oldest first (as AWS records it). */
const waitingHistory = (): HistoryEvent[] => [
  event('ExecutionStarted'),
  event('TaskStateEntered', { stateEnteredEventDetails: { name: 'CheckOpenSearch' } }),
  event('TaskStateExited', { stateExitedEventDetails: { name: 'CheckOpenSearch' } }),
  event('ChoiceStateEntered', { stateEnteredEventDetails: { name: 'ApprovalRequired?' } }),
  event('ChoiceStateExited', { stateExitedEventDetails: { name: 'ApprovalRequired?' } }),
  event('TaskStateEntered', { stateEnteredEventDetails: { name: 'WaitForApproval' } }),
  event('TaskScheduled', {
    taskScheduledEventDetails: {
      resourceType: 'sns',
      resource: 'publish.waitForTaskToken',
      region: 'eu-west-1',
      parameters: JSON.stringify({ TopicArn: 'arn:aws:sns:eu-west-1:123456789012:pkgrelease-prod-failures', Message: 'edge-agent 1.2.0 waits', MessageAttributes: { taskToken: { DataType: 'String', StringValue: TOKEN } } }),
    },
  }),
  event('TaskStarted'),
  event('TaskSubmitted'),
];
const history = (events: HistoryEvent[]) => sfn.on(GetExecutionHistoryCommand).resolves({ events: [...events].reverse() });

describe('pkgrelease approve | reject', () => {
  beforeEach(() => sfn.reset());

  it('approves with the waiting task token from the history, recording the comment', async () => {
    history(waitingHistory());
    await answerApproval(new SFNClient({}), arn, { decision: 'approved', comment: 'soak test passed' });
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[0]!.args[0].input).toMatchObject({ executionArn: arn, reverseOrder: true, includeExecutionData: true });
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([{ taskToken: TOKEN, output: JSON.stringify({ decision: 'approved', comment: 'soak test passed' }) }]);
  });

  it('rejects: the waiting state fails with ReleaseRejected and the reason', async () => {
    history(waitingHistory());
    await answerApproval(new SFNClient({}), arn, { decision: 'rejected', reason: 'fails the soak test' });
    expect(sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input)).toEqual([{ taskToken: TOKEN, error: RELEASE_REJECTED, cause: 'fails the soak test' }]);
    expect(RELEASE_REJECTED).toBe('ReleaseRejected');
  });

  it.each([
    ['already answered', () => [...waitingHistory(), event('TaskSucceeded'), event('TaskStateExited', { stateExitedEventDetails: { name: 'WaitForApproval' } }), event('TaskStateEntered', { stateEnteredEventDetails: { name: 'Promote' } })], /in state Promote/],
    ['answered, execution finished', () => [...waitingHistory(), event('TaskFailed'), event('ExecutionFailed')], /latest event is ExecutionFailed/],
    ['still before the gate', () => waitingHistory().slice(0, 2), /in state CheckOpenSearch/],
  ])('sends nothing and says why when the execution is not waiting (%s)', async (_name, events, reason) => {
    history(events());
    const error = await answerApproval(new SFNClient({}), arn, { decision: 'approved' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotWaitingForApproval);
    expect((error as Error).name).toBe('NotWaitingForApproval');
    expect((error as Error).message).toMatch(reason);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
  });
});
