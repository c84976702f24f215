import type { Context } from 'aws-lambda';
import { s3Client } from '../../lib/clients/aws';
import { runIdempotent } from '../../lib/lambda/idempotency';
import { appendReleaseKeys } from '../../lib/lambda/logger';
import { emitMetrics, releaseMetadata } from '../../lib/lambda/metrics';
import { stepHandler } from '../../lib/lambda/step-handler';
import { packagesConfigFromEnv } from '../../lib/release/config';
import type { ReleaseRequest } from '../../lib/release/request';
import { prepareRelease } from '../../lib/release/steps/prepare';

/** The ASL passes `{ input: <execution input>, execution: <execution name> }`. */
interface PrepareEvent {
  input?: unknown;
  execution?: string;
}

/**
 * First state: release request, manifest or S3 event → canonical release request.
 * The canonical request is recorded under its clientToken, so a retry or a new execution for the
 * same artifact continues with exactly the request the first attempt validated.
 */
export const handler = stepHandler('prepare', async (event: PrepareEvent, context: Context) => {
  const release = await prepareRelease(event?.input, {
    s3: s3Client(),
    config: packagesConfigFromEnv(),
    artifactBucket: process.env.ARTIFACT_BUCKET || undefined,
  });
  appendReleaseKeys({ ...release, execution: event?.execution });
  const recorded = await runIdempotent(async (r: ReleaseRequest) => r, release, context);
  emitMetrics({}, { ReleasesStarted: 1 }, releaseMetadata(recorded));
  return event?.execution ? { ...recorded, execution: event.execution } : recorded;
});
