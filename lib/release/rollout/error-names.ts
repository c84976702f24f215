/**
 * The rollout's error names, apart from their classes so that lib/release/errors.ts can list them
 * without importing the classes (which extend its base class).
 */
export const ROLLOUT_RETRYABLE_ERROR_NAMES = ['RolloutLocked', 'RolloutStageInProgress'] as const;
/** The rollout's wait for devices: polled by Retry, like the OpenSearch and domain waits. */
export const ROLLOUT_POLL_ERROR_NAMES = { RolloutStageInProgress: 'RolloutStage' } as const;
export const ROLLOUT_TERMINAL_ERROR_NAMES = ['RolloutConfigInvalid', 'RolloutAborted', 'RolloutStageTimedOut'] as const;
