/**
 * The rules AWS documents for a job's rollout, as pure functions the job store applies: how an
 * exponential rollout rate grows, and when abort criteria cancel a job.
 */
import type { JobExecutionStatus } from '../../../../lib/release/iot-jobs-constraints';
import type { AbortCriteria } from './job-input';
import { DEFAULT_MAXIMUM_PER_MINUTE, type Job } from './job-model';

const FAILURE_STATUSES = { FAILED: ['FAILED'], REJECTED: ['REJECTED'], TIMED_OUT: ['TIMED_OUT'], ALL: ['FAILED', 'REJECTED', 'TIMED_OUT'] } as const;

/**
 * An exponential rollout multiplies its rate by `incrementFactor` (up to `maximumPerMinute`) each
 * time the notified or succeeded things since the last increase reach the criteria. Undefined: no change.
 */
export function increasedRate(job: Job, notified: number, succeeded: number): Pick<Job['rollout'], 'rate' | 'increasedAt'> | undefined {
  const exp = job.spec.jobExecutionsRolloutConfig?.exponentialRate;
  if (!exp) return undefined;
  const max = job.spec.jobExecutionsRolloutConfig?.maximumPerMinute ?? DEFAULT_MAXIMUM_PER_MINUTE;
  const r = job.rollout;
  const { numberOfNotifiedThings: byNotified, numberOfSucceededThings: bySucceeded } = exp.rateIncreaseCriteria;
  const due = (byNotified !== undefined && notified - r.increasedAt.notified >= byNotified) || (bySucceeded !== undefined && succeeded - r.increasedAt.succeeded >= bySucceeded);
  if (!due || r.rate >= max) return undefined;
  return { rate: Math.min(max, Math.floor(r.rate * exp.incrementFactor)), increasedAt: { notified, succeeded } };
}

/**
 * Abort criteria as AWS words them: once at least `minNumberOfExecutedThings` things were
 * notified, the job is canceled when the failures of the type reach `thresholdPercentage` of them.
 * Returns the job's cancel comment when a criterion is met.
 */
export function abortCriterionMet(job: Job, notified: number, counts: Record<JobExecutionStatus, number>): string | undefined {
  const failuresOf = (c: AbortCriteria) => FAILURE_STATUSES[c.failureType].reduce((n, s) => n + counts[s], 0);
  const met = job.spec.abortConfig?.criteriaList.find((c) => notified >= c.minNumberOfExecutedThings && (failuresOf(c) * 100) / notified >= c.thresholdPercentage);
  if (!met) return undefined;
  const what = met.failureType === 'ALL' ? 'failed, were rejected or timed out' : `are ${met.failureType}`;
  return `Abort criteria met: ${failuresOf(met)} of ${notified} notified things ${what} (threshold ${met.thresholdPercentage}%)`;
}
