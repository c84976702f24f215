import type { Job } from '@aws-sdk/client-iot';
import { describeJob } from '../../clients/iot-jobs';
import { RolloutAborted, RolloutStageInProgress, RolloutStageTimedOut, type StageCounts, formatCounts } from './errors';
import { stageCounts, stageJobId } from './job';
import { minSuccessPercent, type RolloutSettings, type RolloutStage, stageTimeoutMinutes } from './settings';
import { type ExecutionContext, type RolloutRelease, startAttempt } from './start-stage';
import type { RolloutState } from './state';
import { type RolloutDeps, SUPERSEDED_REASON } from './supersede';

/**
 * WatchRolloutStage, polled by the ASL's Retry on RolloutStageInProgress (one transition per
 * poll): DescribeJob of the stage's job, and
 * - still running → RolloutStageInProgress with the counts (or RolloutStageTimedOut past the budget);
 * - COMPLETED with at least `minSuccessPercent` SUCCEEDED → the stage passed: the next stage, an
 *   approval first, or `done`;
 * - canceled by a newer release (reason SUPERSEDED) → `superseded`, nothing more is started;
 * - aborted (abort criteria met, too few succeeded, canceled by a person) → RolloutAborted, terminal.
 *
 * Redrive: the failed state runs again with a higher `RedriveCount`. An aborted attempt is then
 * followed by a new attempt of the same stage (job id suffixed `-a<RedriveCount>`), started through
 * the same lease; a running or passed one is simply watched again. Each poll derives this from AWS
 * and the context, so it converges whatever poll it is.
 */
export async function watchRolloutStage(release: RolloutRelease, execution: ExecutionContext, settings: RolloutSettings, deps: RolloutDeps, now = Date.now()): Promise<RolloutState> {
  let rollout = release.rollout;
  const current = rollout.current;
  if (rollout.status !== 'watching' || !current) return rollout;
  const stage = settings.stages[current.index];
  const redrives = execution.RedriveCount ?? 0;
  let job = await describeJob(deps.iot, current.jobId);
  if (redrives > current.attempt) {
    const retried = await describeJob(deps.iot, stageJobId(release, current.stage, redrives));
    if (retried || !job || isAborted(job) || belowCriterion(job, stage)) {
      rollout = retried ? { ...rollout, current: { ...current, jobId: retried.jobId!, attempt: redrives } } : await startAttempt(release, rollout, current.index, redrives, execution.Name, settings, deps);
      if (rollout.status !== 'watching') return rollout;
      job = retried ?? (await describeJob(deps.iot, rollout.current!.jobId));
    }
  }
  const watched = rollout.current!;
  if (!job || !stage) throw new RolloutStageInProgress(`rollout stage ${watched.stage}: job ${watched.jobId} is not visible yet; polling again`);
  const counts = stageCounts(job);
  if (job.status === 'CANCELED' && job.reasonCode === SUPERSEDED_REASON) {
    const outcome = { stage: watched.stage, jobId: watched.jobId, attempt: watched.attempt, outcome: 'superseded' as const, counts, supersededBy: job.comment };
    return { ...rollout, status: 'superseded', current: undefined, outcomes: [...(rollout.outcomes ?? []), outcome] };
  }
  if (job.status === 'CANCELED') throw aborted(watched, stage, job, counts);
  if (job.status !== 'COMPLETED') {
    const since = Math.max(job.createdAt?.getTime() ?? now, Date.parse(execution.RedriveTime ?? execution.StartTime) || 0);
    const budget = stageTimeoutMinutes(stage);
    if (now - since > budget * 60_000) {
      throw new RolloutStageTimedOut(`rollout stage ${watched.stage}: job ${watched.jobId} did not finish within ${budget} minutes (${formatCounts(counts)}); Redrive to watch it again, or cancel the job`);
    }
    throw new RolloutStageInProgress(`rollout stage ${watched.stage}: job ${watched.jobId} is ${job.status ?? 'IN_PROGRESS'} (${formatCounts(counts)}); polling again`);
  }
  const share = successShare(counts);
  if (share < minSuccessPercent(stage)) throw aborted(watched, stage, job, counts, share);
  const passed = { stage: watched.stage, jobId: watched.jobId, attempt: watched.attempt, outcome: 'passed' as const, counts };
  const next = watched.index + 1;
  const status = next >= settings.stages.length ? 'done' : stage.approveBeforeNext ? 'approval' : 'next';
  const approval = status === 'approval' ? { after: watched.stage, before: settings.stages[next]!.name } : undefined;
  return { ...rollout, status, next, current: undefined, approval, outcomes: [...(rollout.outcomes ?? []), passed] };
}

/** Share of the stage's things (removed ones left out) that SUCCEEDED, in percent. */
export function successShare(c: StageCounts): number {
  const total = c.queued + c.inProgress + c.succeeded + c.failed + c.rejected + c.timedOut + c.canceled;
  return total === 0 ? 100 : (100 * c.succeeded) / total;
}

const isAborted = (job: Job) => job.status === 'CANCELED' && job.reasonCode !== SUPERSEDED_REASON;
/** A job that completed with too few successes aborted the stage too: a redrive gives the stage a new attempt. */
const belowCriterion = (job: Job, stage: RolloutStage | undefined) => job.status === 'COMPLETED' && !!stage && successShare(stageCounts(job)) < minSuccessPercent(stage);

function aborted(watched: NonNullable<RolloutState['current']>, stage: RolloutStage, job: Job, counts: StageCounts, share?: number): RolloutAborted {
  if (job.status === 'COMPLETED') {
    return new RolloutAborted(watched.stage, watched.jobId, 'BELOW_SUCCESS_CRITERION', counts, `${share!.toFixed(1)} % of its things succeeded, the stage needs ${minSuccessPercent(stage)} %`);
  }
  if (job.reasonCode === 'ABORT_CRITERIA_MET') return new RolloutAborted(watched.stage, watched.jobId, metCriterion(stage, counts), counts, job.comment ?? 'its abort criteria were met');
  return new RolloutAborted(watched.stage, watched.jobId, 'CANCELED', counts, `the job was canceled${job.reasonCode ? ` (${job.reasonCode})` : ''}${job.comment ? `: ${job.comment}` : ''}`);
}

/** Which configured abort criterion the counts meet (the job says only ABORT_CRITERIA_MET). */
function metCriterion(stage: RolloutStage, c: StageCounts): string {
  const notified = c.inProgress + c.succeeded + c.failed + c.rejected + c.timedOut + c.canceled;
  const of = { FAILED: c.failed, REJECTED: c.rejected, TIMED_OUT: c.timedOut, ALL: c.failed + c.rejected + c.timedOut } as const;
  const met = (stage.abort ?? []).find((a) => notified > 0 && (100 * of[a.failureType]) / notified >= a.thresholdPercentage);
  return met?.failureType ?? stage.abort?.[0]?.failureType ?? 'ALL';
}
