import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { sfnClient } from '../../lib/clients/aws';
import { leaseStoreFromEnv } from '../../lib/lambda/lease-store';
import { logger } from '../../lib/lambda/logger';
import { packagesConfigFromEnv } from '../../lib/release/config';
import { freeLeaseOfEndedExecution } from '../../lib/release/lease-cleanup';
import { buildNotification, ExecutionStatusChangeEventSchema } from '../../lib/notifications/format';
import { rollbackInputOf } from '../../lib/release/rollback/request';
import { summariseReleaseInput } from '../../lib/notifications/release-summary';
import { recordExecutionEnded } from '../../lib/lambda/metrics';
import { publishNotification } from '../../lib/notifications/publish';
import { approvalNotices, isSnsEvent } from '../../lib/notifications/approval';

/**
 * EventBridge "Step Functions Execution Status Change" → the release's outcome metrics (every
 * end, SUCCEEDED included); for FAILED / TIMED_OUT / ABORTED the OpenSearch package lease it may
 * hold is freed, and one SNS
 * message on FAILURE_TOPIC_ARN naming the release, the failed state, error, cause and console link.
 * An approval request from the approvals topic (APPROVAL_TOPIC_ARN) → its text on FAILURE_TOPIC_ARN,
 * without the task token. Errors are thrown, so Lambda's asynchronous retries (and on-failure
 * destination) apply; an event of another shape is InvalidNotifyEvent.
 */
let sns: SNSClient | undefined;

export const handler = async (event: unknown, context: Context): Promise<void> => {
  logger.addContext(context);
  const topicArn = process.env.FAILURE_TOPIC_ARN;
  if (!topicArn) throw new Error('FAILURE_TOPIC_ARN is not set');
  if (isSnsEvent(event)) return passOnApprovalRequests(event, topicArn);

  // First, so that a DynamoDB failure retries the whole event before anything was sent.
  const freed = await freeLeaseOfEndedExecution(event, { lease: leaseStoreFromEnv(), config: packagesConfigFromEnv() });
  if (freed) logger.info('freed the OpenSearch package lease the execution held', { lease: freed });

  // Every ended release (the rule sends successes too): its outcome, duration and redrive as metrics.
  // A rollback's failure is notified, not counted as a release's.
  const parsed = ExecutionStatusChangeEventSchema.safeParse(event);
  if (parsed.success && !rollbackInputOf(parsed.data.detail.input)) {
    const summary = summariseReleaseInput(parsed.data.detail.input);
    recordExecutionEnded(parsed.data.detail, { packageName: summary.package, versionName: summary.version });
  }

  const note = await buildNotification(event, { sfn: sfnClient() });
  if (!note) {
    logger.info('not a failure status: nothing to send');
    return;
  }
  if (note.lookupError) logger.warn('execution history not readable; sending without the failed state', { error: note.lookupError });
  sns ??= new SNSClient({});
  const messageId = await publishNotification(sns, topicArn, note);
  logger.info('failure notification sent', { subject: note.subject, messageId });
};

async function passOnApprovalRequests(event: unknown, topicArn: string): Promise<void> {
  const approvalTopicArn = process.env.APPROVAL_TOPIC_ARN;
  if (!approvalTopicArn) throw new Error('APPROVAL_TOPIC_ARN is not set');
  sns ??= new SNSClient({});
  for (const note of approvalNotices(event, approvalTopicArn)) {
    const messageId = await publishNotification(sns, topicArn, note);
    logger.info('approval request passed on, without its token', { subject: note.subject, messageId });
  }
}
