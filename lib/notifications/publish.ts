import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification } from './format';

/** SNS Publish of one notification; returns the message id. */
export async function publishNotification(sns: SNSClient, topicArn: string, note: Notification): Promise<string | undefined> {
  const out = await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: note.subject, Message: note.message }));
  return out.MessageId;
}
