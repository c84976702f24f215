import type { HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { historyNewestFirst, sendTaskFailure, sendTaskSuccess } from '../clients/sfn';

/**
 * `pkgrelease approve | reject <execution>`: answers the WaitForApproval state of a release whose
 * package has `requireApproval`. The task token is read from the execution history (the
 * `TaskScheduled` parameters of the waiting SNS publish carry it as a message attribute), so no
 * token is stored anywhere else and only principals that may read the history and call
 * SendTaskSuccess / SendTaskFailure (the stack's ReleaseApproverPolicy) can answer.
 */
export const APPROVAL_STATE = 'WaitForApproval';
/** The same gate between two rollout stages (approveBeforeNext). */
export const STAGE_APPROVAL_STATE = 'WaitForStageApproval';
const APPROVAL_STATES = new Set([APPROVAL_STATE, STAGE_APPROVAL_STATE]);
/** The error a rejected release fails with at WaitForApproval (terminal: nothing after it runs). */
export const RELEASE_REJECTED = 'ReleaseRejected';

/** The execution is not (or no longer) waiting for approval: nothing was sent. */
export class NotWaitingForApproval extends Error {
  override readonly name = 'NotWaitingForApproval';
}

export type Decision = { decision: 'approved'; comment?: string } | { decision: 'rejected'; reason: string };

/** Events that end the waiting task or the execution: seen before the task was scheduled, nothing waits. */
const ENDED = /^(Task(Succeeded|Failed|TimedOut|StartFailed|SubmitFailed)|TaskStateExited|Execution(Succeeded|Failed|Aborted|TimedOut))$/;

/** Pure: the token of the approval that still waits, from the history newest first; else why not. */
export function waitingApproval(eventsNewestFirst: Iterable<HistoryEvent>): { token: string } | { reason: string } {
  let token: string | undefined;
  for (const event of eventsNewestFirst) {
    const type = event.type ?? '';
    if (token === undefined && ENDED.test(type)) return { reason: `its latest event is ${type}` };
    if (type === 'TaskScheduled' && token === undefined) {
      token = tokenOf(event);
      if (token === undefined) return { reason: 'the running task is not an approval request' };
    }
    if (type.endsWith('StateEntered')) {
      const state = event.stateEnteredEventDetails?.name;
      if (state !== undefined && APPROVAL_STATES.has(state) && token !== undefined) return { token };
      return { reason: `it is in state ${state ?? 'unknown'}` };
    }
    if (type === 'ExecutionStarted' || type === 'ExecutionRedriven') break;
  }
  return { reason: 'it has no approval request' };
}

function tokenOf(event: HistoryEvent): string | undefined {
  const details = event.taskScheduledEventDetails;
  if (!details?.resource?.endsWith('.waitForTaskToken') || !details.parameters) return undefined;
  try {
    const parameters = JSON.parse(details.parameters) as { MessageAttributes?: { taskToken?: { StringValue?: unknown } } };
    const token = parameters.MessageAttributes?.taskToken?.StringValue;
    return typeof token === 'string' && token ? token : undefined;
  } catch {
    return undefined;
  }
}

/** Approves or rejects; throws NotWaitingForApproval (and sends nothing) when nothing waits. */
export async function answerApproval(sfn: SFNClient, executionArn: string, answer: Decision): Promise<void> {
  // Newest first, up to the state the execution is in (one page, unless that state retried a lot).
  const events: HistoryEvent[] = [];
  for await (const event of historyNewestFirst(sfn, executionArn)) {
    events.push(event);
    const type = event.type ?? '';
    if (type.endsWith('StateEntered') || type === 'ExecutionStarted' || type === 'ExecutionRedriven') break;
  }
  const found = waitingApproval(events);
  if (!('token' in found)) throw new NotWaitingForApproval(`${executionArn} is not waiting for approval: ${found.reason}`);
  if (answer.decision === 'approved') await sendTaskSuccess(sfn, found.token, answer);
  else await sendTaskFailure(sfn, found.token, RELEASE_REJECTED, answer.reason);
}
