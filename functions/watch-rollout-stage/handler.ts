import { RolloutEventSchema, rolloutDepsFromEnv } from '../../lib/lambda/rollout-deps';
import { parseReleaseStep, stepHandler } from '../../lib/lambda/step-handler';
import { rolloutSettingsOf } from '../../lib/release/rollout/configured';
import { watchRolloutStage } from '../../lib/release/rollout/watch-stage';

/** The stage's wait: the ASL retries this state on RolloutStageInProgress (one transition per poll); each poll looks again. */
export const handler = stepHandler('watchRolloutStage', async (event: unknown) => {
  const { state, execution } = parseReleaseStep(RolloutEventSchema, event, 'watchRolloutStage', (e) => e.state).input;
  return watchRolloutStage(state, execution, rolloutSettingsOf(state.packageName), rolloutDepsFromEnv());
});
