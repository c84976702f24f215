import type { Context } from 'aws-lambda';
import * as z from '../../lib/validation/zod';
import { iotClient, s3Client } from '../../lib/clients/aws';
import { ROLLBACK_IDENTITY_JMESPATH, runIdempotent } from '../../lib/lambda/idempotency';
import { parseStepInput, stepHandler } from '../../lib/lambda/step-handler';
import { opensearchPackageOf, packageSettings, packagesConfigFromEnv } from '../../lib/release/config';
import { RollbackInputSchema } from '../../lib/release/rollback/request';
import { validateRollback } from '../../lib/release/rollback/validate';
import { readHead } from '../../lib/release/rollback/epoch';
import { leaseStoreFromEnv } from '../../lib/lambda/lease-store';

const ValidateEventSchema = z.object({ input: RollbackInputSchema, execution: z.string() });

/**
 * ValidateRollback: the request checked, the OpenSearch package taken from the configuration, and
 * the plan (target, head, versions above, the head's epoch) decided once per rollback token: a
 * retry or a redrive replays the same plan.
 */
export const handler = stepHandler('validateRollback', async (event: unknown, context: Context) => {
  const { input, execution } = parseStepInput(ValidateEventSchema, event, 'validateRollback');
  const settings = packageSettings(packagesConfigFromEnv(), input.packageName);
  const request = { ...input, execution, opensearch: { packageName: opensearchPackageOf(input.packageName, settings) } };
  // The head in force is read before the catalog, so a rollback that moves it meanwhile has a newer epoch (StartRollbackImport: superseded).
  const plan = await runIdempotent(
    async (r: typeof request) => validateRollback(r, iotClient(), s3Client(), await readHead(leaseStoreFromEnv(), r.opensearch.packageName)),
    request,
    context,
    'rollbackToken',
    ROLLBACK_IDENTITY_JMESPATH,
  );
  return { ...request, plan };
});
