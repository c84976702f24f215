import * as z from '../validation/zod';
import { type Notification, subjectLine } from './format';
import { invalidNotifyEvent, notifyEventIssue } from './invalid-event';

/**
 * Approval requests. WaitForApproval publishes them on the approvals topic, each with the task
 * token that approves the release in a message attribute; notify is subscribed there and tells the
 * notification topic what waits with the text alone, so the token never reaches its subscribers
 * (e-mail, chat, queues), whatever they receive of a message.
 */

/** One SNS record as Lambda receives it (unknown members kept). */
const SnsRecordSchema = z.looseObject({
  EventSource: z.literal('aws:sns'),
  Sns: z.looseObject({
    TopicArn: z.string(),
    Message: z.string(),
    MessageAttributes: z.optional(z.record(z.string(), z.looseObject({ Type: z.optional(z.string()), Value: z.optional(z.string()) }))),
  }),
});
export const SnsEventSchema = z.object({ Records: z.array(SnsRecordSchema).check(z.minLength(1)) });

/** Does the event come from SNS at all (then it must be an approval request)? */
export function isSnsEvent(event: unknown): boolean {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.some((r) => (r as { EventSource?: unknown } | null)?.EventSource === 'aws:sns');
}

/**
 * The approval requests of an SNS event, as notifications for the notification topic: the
 * request's text (it names the release and the approve / reject commands) with any copy of its
 * token cut out. Records from another topic than `approvalTopicArn` are refused.
 */
export function approvalNotices(event: unknown, approvalTopicArn: string): Notification[] {
  const parsed = SnsEventSchema.safeParse(event);
  if (!parsed.success) throw notifyEventIssue(parsed.error);
  return parsed.data.Records.map((record, i) => {
    if (record.Sns.TopicArn !== approvalTopicArn) {
      throw invalidNotifyEvent(`Records.${i}.Sns.TopicArn`, `"${record.Sns.TopicArn}" is not the approvals topic`);
    }
    const token = record.Sns.MessageAttributes?.taskToken?.Value;
    const message = token ? record.Sns.Message.split(token).join('<task token omitted>') : record.Sns.Message;
    // "pkgrelease: <package> <version> waits for approval before Promote (…)": the part before the details.
    return { subject: subjectLine(message.split(' (')[0]!), message };
  });
}
