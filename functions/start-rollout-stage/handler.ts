import { RolloutEventSchema, rolloutDepsFromEnv } from '../../lib/lambda/rollout-deps';
import { parseReleaseStep, stepHandler } from '../../lib/lambda/step-handler';
import { startRolloutStage } from '../../lib/release/rollout/start-stage';
import { rolloutSettingsOf } from '../../lib/release/rollout/configured';

/**
 * Starts the next stage's job. No Powertools record: every stage of one release shares its
 * clientToken, and the deterministic job id already makes a repeat find the job it created.
 */
export const handler = stepHandler('startRolloutStage', async (event: unknown) => {
  const { state, execution } = parseReleaseStep(RolloutEventSchema, event, 'startRolloutStage', (e) => e.state).input;
  return startRolloutStage(state, execution, rolloutSettingsOf(state.packageName), rolloutDepsFromEnv());
});
