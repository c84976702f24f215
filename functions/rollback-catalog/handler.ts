import type { Context } from 'aws-lambda';
import { iotClient } from '../../lib/clients/aws';
import { leaseStoreFromEnv } from '../../lib/lambda/lease-store';
import { ROLLBACK_IDENTITY_JMESPATH, runIdempotent } from '../../lib/lambda/idempotency';
import { parseRollbackStep } from '../../lib/lambda/rollback-step';
import { stepHandler } from '../../lib/lambda/step-handler';
import { rollBackCatalog } from '../../lib/release/rollback/catalog';

/**
 * RollBackCatalog: the default to the target (or to a release that went forward meanwhile), then
 * the versions above it DEPRECATED; once per rollback token. With a rollout, under its lease.
 */
export const handler = stepHandler('rollBackCatalog', async (event: unknown, context: Context) => {
  const { state, settings } = parseRollbackStep(event, 'rollBackCatalog');
  const deps = { iot: iotClient(), lease: leaseStoreFromEnv(), withRollout: settings.rollout !== undefined };
  return runIdempotent((s: typeof state) => rollBackCatalog(s, s.plan, deps), state, context, 'rollbackToken', ROLLBACK_IDENTITY_JMESPATH);
});
