import { catalogError } from '../errors';

/** What a stage's job reported (DescribeJob jobProcessDetails), by execution status. */
export interface StageCounts {
  queued: number;
  inProgress: number;
  succeeded: number;
  failed: number;
  rejected: number;
  timedOut: number;
  removed: number;
  canceled: number;
}

/**
 * The package's `rollout` setting is wrong, or does not fit this release (e.g. `jobDocument.recipe`
 * for a release without a recipe). Raised before any job is created. Fix config/packages.json,
 * redeploy, then redrive: the rollout steps read the configuration when they run.
 */
export class RolloutConfigInvalid extends catalogError('RolloutConfigInvalid') {}

/** Another release of the package is starting a stage (it holds the package's rollout lease). Retried with backoff. */
export class RolloutLocked extends catalogError('RolloutLocked') {}

/** The stage's job still has queued or in-progress executions: the WatchRolloutStage poll. */
export class RolloutStageInProgress extends catalogError('RolloutStageInProgress') {}

/**
 * The stage stopped: its abort criteria canceled the job (ABORT_CRITERIA_MET), fewer things
 * succeeded than `minSuccessPercent`, or someone canceled the job. Terminal: the next stage never
 * starts and the default version does not move. A Redrive starts a new attempt of this stage (a new
 * job, `-a<redrive count>`) once the devices are fixed.
 */
export class RolloutAborted extends catalogError('RolloutAborted') {
  constructor(
    readonly stage: string,
    readonly jobId: string,
    /** ABORT_CRITERIA_MET's failure type (FAILED, REJECTED, TIMED_OUT, ALL), BELOW_SUCCESS_CRITERION or CANCELED. */
    readonly failureType: string,
    readonly counts: StageCounts,
    why: string,
  ) {
    super(
      `rollout stage ${stage} aborted (${failureType}): ${why}; job ${jobId}: ${formatCounts(counts)}. ` +
        'The next stage was not started and the default version was not moved; fix the devices, then Redrive to run the stage again as a new job',
    );
  }
}

/** The stage's job did not finish within the stage's `timeoutMinutes`. A Redrive watches it again with a fresh budget. */
export class RolloutStageTimedOut extends catalogError('RolloutStageTimedOut') {}

export function formatCounts(c: StageCounts): string {
  return Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ') || 'no executions';
}
