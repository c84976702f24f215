import { RolloutEventSchema, rolloutDepsFromEnv } from '../../lib/lambda/rollout-deps';
import { parseReleaseStep, stepHandler } from '../../lib/lambda/step-handler';
import { defaultAfterRollout } from '../../lib/release/rollout/default';

/** Moves the default version once every stage passed; converges by looking at the package's default. */
export const handler = stepHandler('rolloutDefault', async (event: unknown) => {
  const { state, execution } = parseReleaseStep(RolloutEventSchema, event, 'rolloutDefault', (e) => e.state).input;
  return defaultAfterRollout(state, execution.Name, rolloutDepsFromEnv());
});
