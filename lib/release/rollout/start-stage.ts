import type { ReleaseRequest } from '../request';
import { createJobInput, stageJobId } from './job';
import type { RolloutSettings } from './settings';
import type { RolloutState } from './state';
import { type RolloutDeps, startSuperseding } from './supersede';

export interface RolloutRelease extends ReleaseRequest {
  rollout: RolloutState;
  steps: { createVersion: { versionArn: string } };
}

/** The context object's Execution, as the ASL passes it (`$$.Execution`). */
export interface ExecutionContext {
  Name: string;
  StartTime: string;
  RedriveCount?: number;
  RedriveTime?: string;
}

/**
 * StartRolloutStage: the job of stage `rollout.next` (attempt = the execution's redrive count, so
 * every retry and re-run of one attempt names the same job), under the package's rollout lease
 * (supersede.ts). Returns the rollout watching that job, or `superseded` when a newer release's
 * rollout has begun: this release then hands nothing more to any device.
 */
export async function startRolloutStage(release: RolloutRelease, execution: ExecutionContext, settings: RolloutSettings, deps: RolloutDeps): Promise<RolloutState> {
  const rollout = release.rollout;
  const index = rollout.next ?? 0;
  const stage = settings.stages[index];
  if (!stage) return { ...rollout, status: 'done' };
  return startAttempt(release, rollout, index, execution.RedriveCount ?? 0, execution.Name, settings, deps);
}

/** Starts (or finds started) one attempt of one stage; shared by the start and by a redrive's new attempt in the watch. */
export async function startAttempt(release: RolloutRelease, rollout: RolloutState, index: number, attempt: number, owner: string, settings: RolloutSettings, deps: RolloutDeps): Promise<RolloutState> {
  const stage = settings.stages[index]!;
  const jobId = stageJobId(release, stage.name, attempt);
  const job = createJobInput({ release, versionArn: release.steps.createVersion.versionArn, settings, stage, jobId });
  const out = await startSuperseding({ packageName: release.packageName, versionName: release.versionName, owner, opensearchPackage: release.opensearch.packageName, job: { ...job, jobId, targets: job.targets ?? [] } }, deps);
  if (!out.started) {
    const outcome = { stage: stage.name, attempt, outcome: 'superseded' as const, supersededBy: out.supersededBy };
    return { ...rollout, status: 'superseded', current: undefined, approval: undefined, outcomes: [...(rollout.outcomes ?? []), outcome] };
  }
  return { ...rollout, status: 'watching', next: index, approval: undefined, current: { stage: stage.name, index, jobId, attempt } };
}
