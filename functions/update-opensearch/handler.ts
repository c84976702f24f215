import type { Context } from 'aws-lambda';
import { opensearchClient, opensearchWriteClient, s3Client } from '../../lib/clients/aws';
import { runIdempotent } from '../../lib/lambda/idempotency';
import { parseStepInput, stepHandler } from '../../lib/lambda/step-handler';
import { ReleaseStateSchema } from '../../lib/release/request';
import { updateOpenSearch } from '../../lib/release/steps/update-opensearch';

export const handler = stepHandler('updateOpenSearch', async (event: unknown, context: Context) => {
  const release = parseStepInput(ReleaseStateSchema, event, 'updateOpenSearch');
  const deps = {
    opensearch: opensearchClient(),
    opensearchWrites: opensearchWriteClient(),
    s3: s3Client(),
    stagingBucket: process.env.STAGING_BUCKET || undefined,
    stagingPrefix: process.env.STAGING_PREFIX ?? 'staging/',
  };
  return runIdempotent((r: typeof release) => updateOpenSearch(r, deps), release, context);
});
