import type { Context } from 'aws-lambda';
import { iotClient, s3Client } from '../../lib/clients/aws';
import { runIdempotent } from '../../lib/lambda/idempotency';
import { emitMetrics, releaseMetadata } from '../../lib/lambda/metrics';
import { parseReleaseStep, stepHandler } from '../../lib/lambda/step-handler';
import { ReleaseStateSchema } from '../../lib/release/request';
import { createVersion } from '../../lib/release/steps/create-version';

export const handler = stepHandler('createVersion', async (event: unknown, context: Context) => {
  const { input: release } = parseReleaseStep(ReleaseStateSchema, event, 'createVersion');
  const result = await runIdempotent((r: typeof release) => createVersion(r, { iot: iotClient(), s3: s3Client() }), release, context);
  if (result.outcome === 'existing') emitMetrics({}, { IdenticalReuploads: 1 }, releaseMetadata(release));
  return result;
});
