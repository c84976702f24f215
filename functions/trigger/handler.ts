import type { Context } from 'aws-lambda';
import { sfnClient } from '../../lib/clients/aws';
import { runIdempotent } from '../../lib/lambda/idempotency';
import { appendReleaseKeys } from '../../lib/lambda/logger';
import { stepHandler } from '../../lib/lambda/step-handler';
import { packagesConfigFromEnv } from '../../lib/release/config';
import { requestFromS3Event, startRelease } from '../../lib/release/steps/trigger';

/**
 * EventBridge "Object Created" (artifact bucket, `releases/` prefix) → StartExecution, once per
 * artifact; an upload that cannot be released fails here (InvalidRelease) and starts nothing.
 */
export const handler = stepHandler('trigger', async (event: unknown, context: Context) => {
  const request = requestFromS3Event(event, {
    config: packagesConfigFromEnv(),
    artifactBucket: process.env.ARTIFACT_BUCKET || undefined,
  });
  appendReleaseKeys(request);
  const deps = { sfn: sfnClient(), stateMachineArn: requiredEnv('STATE_MACHINE_ARN') };
  return runIdempotent((r: typeof request) => startRelease(r, deps), request, context);
});

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
