/**
 * The shapes of IoT Jobs' state in the twin: a job with its rollout progress, one execution per
 * notified thing, the JSON form the state directory keeps, and the clock that scales a job's time.
 */
import type { JobExecutionStatus, JobStatus } from '../../../../lib/release/iot-jobs-constraints';
import type { JobSpec } from './job-input';

export interface Execution {
  jobId: string;
  thingName: string;
  status: JobExecutionStatus;
  executionNumber: number;
  versionNumber: number;
  retryAttempt: number;
  queuedAt: number;
  startedAt?: number;
  lastUpdatedAt: number;
  statusDetails?: Record<string, string>;
  forceCanceled?: boolean;
}

export interface Job {
  spec: JobSpec;
  jobArn: string;
  status: JobStatus;
  forceCanceled?: boolean;
  reasonCode?: string;
  comment?: string;
  createdAt: number;
  lastUpdatedAt: number;
  completedAt?: number;
  rollout: {
    /** Wall ms the rollout started (IN_PROGRESS), absent while SCHEDULED. */
    startedAt?: number;
    /** Targeted things not notified yet, in notification order. */
    pending: string[];
    rate: number;
    minute: number;
    notifiedThisMinute: number;
    increasedAt: { notified: number; succeeded: number };
    /** schedulingConfig.endTime passed with STOP_ROLLOUT: nobody else is notified. */
    stopped?: boolean;
  };
}

export interface JobsStateJson {
  jobs: Job[];
  executions: Execution[];
  nextExecutionNumber: number;
}

export interface JobsClock {
  now(): number;
  /** Wall time per simulated time (the twin's timeScale). */
  scale: number;
}

/** Without a rollout configuration AWS notifies 1000 things a minute. */
export const DEFAULT_MAXIMUM_PER_MINUTE = 1000;
/** The reason code the twin gives a job its abort criteria canceled (AWS sets its own). */
export const ABORT_REASON_CODE = 'ABORT_CRITERIA_MET';

/** A job's minute, in simulated milliseconds. */
export const MINUTE_MS = 60_000;
