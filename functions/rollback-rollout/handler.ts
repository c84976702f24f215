import { rolloutDepsFromEnv } from '../../lib/lambda/rollout-deps';
import { parseRollbackStep } from '../../lib/lambda/rollback-step';
import { stepHandler } from '../../lib/lambda/step-handler';
import { rollBackRollout } from '../../lib/release/rollback/rollout';

/**
 * RollBackRollout: where the package has a rollout, cancels the bad versions' jobs and hands the
 * target to every group in one job (deterministic id), then is polled (Retry on
 * RolloutStageInProgress) until that job completes. Converges by looking: no Powertools record.
 */
export const handler = stepHandler('rollBackRollout', async (event: unknown) => {
  const { state, settings } = parseRollbackStep(event, 'rollBackRollout');
  return rollBackRollout(state, state.plan, settings.rollout, rolloutDepsFromEnv());
});
