import type { AslDefinition } from './definition';

/**
 * Local runs compress time, not semantics: every Retry keeps its attempt counts, backoff rate and
 * jitter, and every Wait its proportion, but their seconds are multiplied by `scale` (0.01 turns
 * the ASL's 5 s retry into 50 ms, a 30 s poll into 300 ms). Task and execution timeouts are NOT
 * compressed: handlers do real work at real speed. Task timeouts may be stretched instead
 * (`taskTimeoutFactor`): one local process runs every Lambda of every execution, so a busy machine
 * stretches each handler's wall time in a way no Lambda on AWS sees; locally a Task timeout guards
 * against a hung handler, not against a loaded laptop.
 *
 * The engine runs this copy with validation off; the real definition is validated once.
 */
export function scaleDefinition(definition: AslDefinition, scale: number, taskTimeoutFactor = 1): AslDefinition {
  if (scale === 1 && taskTimeoutFactor === 1) return definition;
  const scaled = structuredClone(definition);
  for (const state of Object.values(scaled.States)) {
    if (state.Type === 'Task' && state.TimeoutSeconds !== undefined) state.TimeoutSeconds *= taskTimeoutFactor;
    const retriers = state.Retry as { IntervalSeconds?: number; MaxDelaySeconds?: number }[] | undefined;
    for (const retrier of retriers ?? []) {
      retrier.IntervalSeconds = (retrier.IntervalSeconds ?? ASL_DEFAULT_INTERVAL_SECONDS) * scale;
      if (retrier.MaxDelaySeconds !== undefined) retrier.MaxDelaySeconds *= scale;
    }
    if (state.Type === 'Wait' && typeof state.Seconds === 'number') state.Seconds *= scale;
  }
  return scaled;
}

/** The ASL specification's default Retry interval. */
const ASL_DEFAULT_INTERVAL_SECONDS = 1;
