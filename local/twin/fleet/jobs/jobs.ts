/**
 * IoT Jobs' state: jobs, their executions and what changes them over time — the rollout rate
 * (constant or exponential), in-progress timeouts, retries, scheduling, abort criteria and
 * completion (the shapes in job-model.ts, the rate and abort rules in rollout-rules.ts). Time is scaled like the rest of the twin (local/engine/time-scale.ts): a job's
 * "minute" lasts `60 s × scale` of wall time. Devices move executions with `start` and `finish`
 * (what the jobs data plane's UpdateJobExecution does).
 */
import { IOT_JOBS, TERMINAL_EXECUTION_STATUSES, type JobExecutionStatus } from '../../../../lib/release/iot-jobs-constraints';
import { ServiceError } from '../../core/http';
import { invalidRequest, notFound } from '../things/input';
import type { JobSpec } from './job-input';
import { abortCriterionMet, increasedRate } from './rollout-rules';
import { ABORT_REASON_CODE, DEFAULT_MAXIMUM_PER_MINUTE, type Execution, type Job, type JobsClock, type JobsStateJson, MINUTE_MS } from './job-model';

export class JobStore {
  private readonly jobs = new Map<string, Job>();
  private readonly executions = new Map<string, Map<string, Execution>>();
  private nextExecutionNumber = 1;
  onChange: () => void = () => {};
  /** A thing was notified of (or re-queued for) an execution. */
  onQueued: (execution: Execution, job: Job) => void = () => {};
  onSucceeded: (execution: Execution, job: Job) => void = () => {};

  constructor(private readonly clock: JobsClock) {}

  has(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  job(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw notFound(`Job ${jobId} cannot be found.`);
    return job;
  }

  all(): Job[] {
    return [...this.jobs.values()];
  }

  executionsOf(jobId: string): Execution[] {
    return [...(this.executions.get(jobId)?.values() ?? [])];
  }

  execution(jobId: string, thingName: string): Execution {
    const e = this.executions.get(jobId)?.get(thingName);
    if (!e) throw notFound(`Job Execution for job ${jobId} on thing ${thingName} cannot be found.`);
    return e;
  }

  /** A new job on `things` (resolved from its targets at creation). */
  create(spec: JobSpec, jobArn: string, things: string[]): Job {
    const now = this.clock.now();
    const start = spec.schedulingConfig?.startTime ? Date.parse(spec.schedulingConfig.startTime) : undefined;
    const scheduled = start !== undefined && start > now;
    const rollout = spec.jobExecutionsRolloutConfig;
    const job: Job = {
      spec,
      jobArn,
      status: scheduled ? 'SCHEDULED' : 'IN_PROGRESS',
      createdAt: now,
      lastUpdatedAt: now,
      rollout: {
        ...(!scheduled && { startedAt: now }),
        pending: [...things],
        rate: rollout?.exponentialRate?.baseRatePerMinute ?? rollout?.maximumPerMinute ?? DEFAULT_MAXIMUM_PER_MINUTE,
        minute: 0,
        notifiedThisMinute: 0,
        increasedAt: { notified: 0, succeeded: 0 },
      },
    };
    this.jobs.set(spec.jobId, job);
    this.executions.set(spec.jobId, new Map());
    this.onChange();
    this.tick();
    return job;
  }

  /** A thing joined a targeted group: CONTINUOUS jobs that are running notify it too. */
  addTarget(jobId: string, thingName: string): void {
    const job = this.job(jobId);
    if (job.status !== 'IN_PROGRESS' && job.status !== 'SCHEDULED') return;
    if (job.rollout.pending.includes(thingName) || this.executions.get(jobId)?.has(thingName)) return;
    job.rollout.pending.push(thingName);
    this.onChange();
  }

  /** The device took the execution (QUEUED → IN_PROGRESS). */
  start(jobId: string, thingName: string): Execution {
    const e = this.execution(jobId, thingName);
    if (e.status !== 'QUEUED' && e.status !== 'IN_PROGRESS') throw stateTransition(e, 'IN_PROGRESS');
    if (e.status === 'QUEUED') this.set(e, 'IN_PROGRESS', { startedAt: this.clock.now() });
    return e;
  }

  /** The device reported its outcome. */
  finish(jobId: string, thingName: string, status: 'SUCCEEDED' | 'FAILED' | 'REJECTED', statusDetails?: Record<string, string>): Execution {
    const e = this.execution(jobId, thingName);
    if (e.status !== 'QUEUED' && e.status !== 'IN_PROGRESS') throw stateTransition(e, status);
    this.terminal(this.job(jobId), e, status, statusDetails);
    return e;
  }

  cancel(jobId: string, opts: { force?: boolean; reasonCode?: string; comment?: string }): Job {
    const job = this.job(jobId);
    if (job.status === 'COMPLETED') throw invalidRequest(`Job ${jobId} is COMPLETED and cannot be canceled`);
    if (job.status === 'CANCELED' && (!opts.force || job.forceCanceled)) throw invalidRequest(`Job ${jobId} is already CANCELED`);
    this.stop(job, { force: opts.force ?? false, ...(opts.reasonCode !== undefined && { reasonCode: opts.reasonCode }), ...(opts.comment !== undefined && { comment: opts.comment }) });
    return job;
  }

  /** CancelJobExecution: a queued execution, an in-progress one only when forced. */
  cancelExecution(jobId: string, thingName: string, opts: { force?: boolean; expectedVersion?: number; statusDetails?: Record<string, string> }): void {
    const e = this.execution(jobId, thingName);
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== e.versionNumber) {
      throw new ServiceError(409, 'VersionConflictException', `Job execution ${jobId} on ${thingName} is at version ${e.versionNumber}, not ${opts.expectedVersion}`);
    }
    if (e.status === 'IN_PROGRESS' && !opts.force) throw stateTransition(e, 'CANCELED (an IN_PROGRESS execution needs force=true)');
    if (e.status !== 'QUEUED' && e.status !== 'IN_PROGRESS') throw stateTransition(e, 'CANCELED');
    this.set(e, 'CANCELED', { ...(opts.force && { forceCanceled: true }), ...(opts.statusDetails && { statusDetails: opts.statusDetails }) });
    this.maybeComplete(this.job(jobId), this.clock.now());
  }

  /** Advances every running job to the current time; cheap when nothing runs. */
  tick(): void {
    const now = this.clock.now();
    for (const job of this.jobs.values()) {
      if (job.status === 'SCHEDULED') this.maybeStart(job, now);
      if (job.status !== 'IN_PROGRESS' && job.status !== 'CANCELED') continue;
      if (job.status === 'IN_PROGRESS') this.endTime(job, now);
      if (job.status === 'IN_PROGRESS') this.notify(job, now);
      this.timeouts(job, now);
      if (job.status === 'IN_PROGRESS') this.maybeComplete(job, now);
    }
  }

  counts(jobId: string): Record<JobExecutionStatus, number> {
    const counts = Object.fromEntries(IOT_JOBS.executionStatuses.map((s) => [s, 0])) as Record<JobExecutionStatus, number>;
    for (const e of this.executionsOf(jobId)) counts[e.status]++;
    return counts;
  }

  private maybeStart(job: Job, now: number): void {
    const start = Date.parse(job.spec.schedulingConfig!.startTime!);
    if (now < this.wallAfter(job.createdAt, start - job.createdAt)) return;
    job.status = 'IN_PROGRESS';
    job.rollout.startedAt = now;
    job.lastUpdatedAt = now;
    this.onChange();
  }

  /** schedulingConfig.endTime: stop notifying, or cancel (forced or not). */
  private endTime(job: Job, now: number): void {
    const s = job.spec.schedulingConfig;
    if (!s?.endTime || job.rollout.stopped) return;
    if (now < this.wallAfter(job.createdAt, Date.parse(s.endTime) - job.createdAt)) return;
    const behavior = s.endBehavior ?? 'STOP_ROLLOUT';
    if (behavior === 'STOP_ROLLOUT') {
      job.rollout.stopped = true;
      job.rollout.pending = [];
      this.onChange();
    } else this.stop(job, { force: behavior === 'FORCE_CANCEL', reasonCode: 'JOB_END_TIME_REACHED' });
  }

  private notify(job: Job, now: number): void {
    const r = job.rollout;
    if (r.pending.length === 0 || r.startedAt === undefined) return;
    const minute = Math.floor((now - r.startedAt) / (MINUTE_MS * this.clock.scale));
    if (minute !== r.minute) {
      r.minute = minute;
      r.notifiedThisMinute = 0;
    }
    const notified = this.executions.get(job.spec.jobId)!.size;
    this.increaseRate(job, notified);
    const n = Math.min(r.pending.length, r.rate - r.notifiedThisMinute);
    if (n <= 0) return;
    const things = r.pending.splice(0, n);
    r.notifiedThisMinute += n;
    for (const thingName of things) {
      const e: Execution = { jobId: job.spec.jobId, thingName, status: 'QUEUED', executionNumber: this.nextExecutionNumber++, versionNumber: 1, retryAttempt: 0, queuedAt: now, lastUpdatedAt: now };
      this.executions.get(job.spec.jobId)!.set(thingName, e);
    }
    job.lastUpdatedAt = now;
    this.onChange();
    for (const thingName of things) this.onQueued(this.executions.get(job.spec.jobId)!.get(thingName)!, job);
    this.checkAbort(job);
  }

  private increaseRate(job: Job, notified: number): void {
    if (!job.spec.jobExecutionsRolloutConfig?.exponentialRate) return;
    const increased = increasedRate(job, notified, this.counts(job.spec.jobId).SUCCEEDED);
    if (increased) Object.assign(job.rollout, increased);
  }

  private timeouts(job: Job, now: number): void {
    const minutes = job.spec.timeoutConfig?.inProgressTimeoutInMinutes;
    if (minutes === undefined) return;
    for (const e of this.executionsOf(job.spec.jobId)) {
      if (e.status === 'IN_PROGRESS' && e.startedAt !== undefined && now >= this.wallAfter(e.startedAt, minutes * MINUTE_MS)) this.terminal(job, e, 'TIMED_OUT');
    }
  }

  /** A SNAPSHOT job completes once every execution ended; a canceled job stays CANCELED. */
  private maybeComplete(job: Job, now: number): void {
    if (job.status !== 'IN_PROGRESS') return;
    if (job.spec.targetSelection === 'CONTINUOUS' || job.rollout.pending.length > 0) return;
    if (!this.executionsOf(job.spec.jobId).every((e) => TERMINAL_EXECUTION_STATUSES.includes(e.status))) return;
    job.status = 'COMPLETED';
    job.completedAt = now;
    job.lastUpdatedAt = now;
    this.onChange();
  }

  private terminal(job: Job, e: Execution, status: 'SUCCEEDED' | 'FAILED' | 'REJECTED' | 'TIMED_OUT', statusDetails?: Record<string, string>): void {
    const retry = status === 'FAILED' || status === 'TIMED_OUT' ? job.spec.jobExecutionsRetryConfig?.criteriaList.find((c) => c.failureType === status || c.failureType === 'ALL') : undefined;
    if (retry && e.retryAttempt < retry.numberOfRetries && job.status === 'IN_PROGRESS') {
      this.set(e, 'QUEUED', { retryAttempt: e.retryAttempt + 1, queuedAt: this.clock.now(), startedAt: undefined, ...(statusDetails && { statusDetails }) });
      this.onQueued(e, job);
      return;
    }
    this.set(e, status, statusDetails ? { statusDetails } : {});
    if (status === 'SUCCEEDED') this.onSucceeded(e, job);
    this.checkAbort(job);
    this.maybeComplete(job, this.clock.now());
  }

  private checkAbort(job: Job): void {
    if (job.status !== 'IN_PROGRESS') return;
    const comment = abortCriterionMet(job, this.executions.get(job.spec.jobId)!.size, this.counts(job.spec.jobId));
    if (comment) this.stop(job, { force: false, reasonCode: ABORT_REASON_CODE, comment });
  }

  /** Cancels the job: queued executions are canceled, in-progress ones too when forced. */
  private stop(job: Job, opts: { force: boolean; reasonCode?: string; comment?: string }): void {
    const now = this.clock.now();
    Object.assign(job, {
      status: 'CANCELED',
      lastUpdatedAt: now,
      completedAt: now,
      ...(opts.force && { forceCanceled: true }),
      ...(opts.reasonCode !== undefined && { reasonCode: opts.reasonCode }),
      ...(opts.comment !== undefined && { comment: opts.comment }),
    });
    job.rollout.pending = [];
    for (const e of this.executionsOf(job.spec.jobId)) {
      if (e.status === 'QUEUED' || (opts.force && e.status === 'IN_PROGRESS')) this.set(e, 'CANCELED', opts.force ? { forceCanceled: true } : {});
    }
    this.onChange();
  }

  private set(e: Execution, status: JobExecutionStatus, extra: Partial<Execution>): void {
    Object.assign(e, { status, lastUpdatedAt: this.clock.now(), versionNumber: e.versionNumber + 1 }, extra);
    if ('startedAt' in extra && extra.startedAt === undefined) delete e.startedAt;
    this.onChange();
  }

  /** Wall time at which `simulatedMs` after `from` is reached. */
  private wallAfter(from: number, simulatedMs: number): number {
    return from + simulatedMs * this.clock.scale;
  }

  exportState(): JobsStateJson {
    return { jobs: this.all(), executions: [...this.executions.values()].flatMap((m) => [...m.values()]), nextExecutionNumber: this.nextExecutionNumber };
  }

  importState(state: JobsStateJson): void {
    this.jobs.clear();
    this.executions.clear();
    for (const job of state.jobs) {
      this.jobs.set(job.spec.jobId, job);
      this.executions.set(job.spec.jobId, new Map());
    }
    for (const e of state.executions) this.executions.get(e.jobId)?.set(e.thingName, e);
    this.nextExecutionNumber = state.nextExecutionNumber;
  }
}

function stateTransition(e: Execution, to: string): ServiceError {
  return new ServiceError(409, 'InvalidStateTransitionException', `Job execution ${e.jobId} on ${e.thingName} is ${e.status}; it cannot become ${to}`);
}
