import type * as z from '../validation/zod';

/**
 * notify was given an event it does not take. Lambda retries it twice, then it goes to the
 * dead-letter queue; the message says what notify takes, so a person invoking it by hand (or a
 * rule wired to the wrong source) knows what to send instead.
 */
export class InvalidNotifyEvent extends Error {
  override readonly name = 'InvalidNotifyEvent';
}

export const NOTIFY_TAKES =
  'an EventBridge "Step Functions Execution Status Change" event of the release state machine (rules ReleaseFailedRule, ReleaseSucceededRule) ' +
  'or an SNS message from the approvals topic (ApprovalTopicArn)';

export function invalidNotifyEvent(where: string, what: string): InvalidNotifyEvent {
  return new InvalidNotifyEvent(`notify cannot read this event (${where}: ${what}); send it ${NOTIFY_TAKES}`);
}

/** The first issue of a failed parse, as InvalidNotifyEvent. */
export function notifyEventIssue(error: z.core.$ZodError): InvalidNotifyEvent {
  const issue = error.issues[0];
  return invalidNotifyEvent(issue?.path.length ? issue.path.join('.') : 'the event', issue?.message ?? 'invalid');
}
