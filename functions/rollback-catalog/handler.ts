import type { Context } from 'aws-lambda';
import { iotClient } from '../../lib/clients/aws';
import { ROLLBACK_IDENTITY_JMESPATH, runIdempotent } from '../../lib/lambda/idempotency';
import { parseRollbackStep } from '../../lib/lambda/rollback-step';
import { stepHandler } from '../../lib/lambda/step-handler';
import { rollBackCatalog } from '../../lib/release/rollback/catalog';

/** RollBackCatalog: the default to the target, then the versions above it DEPRECATED; once per rollback token. */
export const handler = stepHandler('rollBackCatalog', async (event: unknown, context: Context) => {
  const { state } = parseRollbackStep(event, 'rollBackCatalog');
  return runIdempotent((s: typeof state) => rollBackCatalog(s, s.plan, iotClient()), state, context, 'rollbackToken', ROLLBACK_IDENTITY_JMESPATH);
});
