import { getItem } from '../../clients/dynamodb';
import { getPackageVersion } from '../../clients/iot';
import { cancelJob, createJob, describeJob } from '../../clients/iot-jobs';
import { releaseLease } from '../lease';
import { RolloutAborted, RolloutStageInProgress, type StageCounts, formatCounts } from '../rollout/errors';
import { createJobInput, stageCounts, stageJobId, targetArn } from '../rollout/job';
import type { RolloutSettings } from '../rollout/settings';
import { fenced, highestKey, record, type RolloutDeps, SUPERSEDED_REASON, takeRolloutLease, targetKey } from '../rollout/supersede';
import { IOT_JOBS } from '../iot-jobs-constraints';
import { compareVersions } from '../version-order';
import { barredByRollback, readHead } from './epoch';
import { RollbackTargetInvalid } from './errors';
import { rollbackLeaseOwner } from './opensearch';
import type { RollbackRequest } from './request';
import type { RollbackPlan } from './validate';

/** What RollBackRollout reports: `none` (no rollout configured), `done` (the job completed), `superseded`. */
export interface RollbackRolloutResult {
  status: 'none' | 'done' | 'superseded';
  /** Why nothing was rolled out, or what superseded it. */
  reason?: string;
  jobId?: string;
  counts?: StageCounts;
  /** The bad versions' jobs this run canceled (only on the poll that started the rollback's job). */
  canceled?: string[];
}

/** The rollback's one job: every group of every stage, named by the rollback token (a retry or redrive names the same job). */
export function rollbackJobId(request: Pick<RollbackRequest, 'packageName' | 'rollbackToken'>, target: string): string {
  return stageJobId({ packageName: request.packageName, versionName: target, clientToken: request.rollbackToken }, 'rollback', 0);
}

/**
 * RollBackRollout, polled by the ASL's Retry on RolloutStageInProgress: where the package has a
 * rollout, the bad versions' jobs still running on its groups are canceled and the target goes to
 * every group of every stage in one job, under the package's rollout lease (the discipline of
 * lib/release/rollout/supersede.ts). Each poll then watches that job until it completes. Devices
 * must get back to the target, so the job has no abort criteria; a person canceling it is
 * RolloutAborted.
 */
export async function rollBackRollout(request: RollbackRequest, plan: RollbackPlan, settings: RolloutSettings | undefined, deps: RolloutDeps): Promise<RollbackRolloutResult> {
  const target = plan.target.versionName;
  if (!settings) return { status: 'none', reason: `${request.packageName} has no rollout in config/packages.json: no device group was handed anything` };
  const jobId = rollbackJobId(request, target);
  let job = await describeJob(deps.iot, jobId);
  let canceled: string[] | undefined;
  if (!job) {
    const started = await startRollbackJob(request, plan, settings, jobId, deps);
    if ('supersededBy' in started) return { status: 'superseded', reason: started.reason };
    canceled = started.canceled;
    job = await describeJob(deps.iot, jobId);
  }
  if (!job) throw new RolloutStageInProgress(`rollback of ${request.packageName} to ${target}: job ${jobId} is not visible yet; polling again`);
  const counts = stageCounts(job);
  if (job.status === 'COMPLETED') return { status: 'done', jobId, counts, ...(canceled && { canceled }) };
  if (job.status === 'CANCELED' && job.reasonCode === SUPERSEDED_REASON) return { status: 'superseded', jobId, counts, reason: job.comment ?? 'a newer release' };
  if (job.status === 'CANCELED') throw new RolloutAborted('rollback', jobId, 'CANCELED', counts, `the rollback's job was canceled${job.comment ? `: ${job.comment}` : ''}`);
  throw new RolloutStageInProgress(`rollback of ${request.packageName} to ${target}: job ${jobId} is ${job.status ?? 'IN_PROGRESS'} (${formatCounts(counts)}); polling again`);
}

async function startRollbackJob(request: RollbackRequest, plan: RollbackPlan, settings: RolloutSettings, jobId: string, deps: RolloutDeps): Promise<{ canceled: string[] } | { supersededBy: string; reason: string }> {
  const { packageName } = request;
  const target = plan.target.versionName;
  const version = await getPackageVersion(deps.iot, packageName, target);
  if (!version?.packageVersionArn) throw new RollbackTargetInvalid(`${packageName}@${target} no longer exists; its devices cannot be handed it`);
  const stage = { name: 'rollback', targets: [...new Set(settings.stages.flatMap((s) => s.targets))], ...(settings.stages.at(-1)?.rate && { rate: settings.stages.at(-1)!.rate }) };
  const job = createJobInput({ release: { packageName, versionName: target, recipe: version.recipe }, versionArn: version.packageVersionArn, settings, stage, jobId });
  const targets = job.targets ?? stage.targets.map((t) => targetArn(t, version.packageVersionArn!));
  const lease = await takeRolloutLease(deps, packageName, rollbackLeaseOwner(request), `rollback-to-${target}`);
  try {
    // Another rollback moved the head since this one did (two at once, the other planned later):
    // the devices follow the head in force, so this stale one hands them nothing.
    const head = await readHead(deps.lease, request.opensearch.packageName);
    if (head && head.token !== request.rollbackToken) return { supersededBy: head.head, reason: `another rollback moved the head of ${packageName} to ${head.head} since this one did: the devices follow it` };
    const highest = await getItem(deps.lease.dynamodb, deps.lease.table, highestKey(packageName));
    // Newer than the planned head and not barred: a forward release. (The first of two rollbacks may
    // have planned against a bad version its successor now bars.)
    if (typeof highest?.version === 'string' && compareVersions(highest.version, plan.head) > 0 && !barredByRollback(head, highest.version)) {
      return { supersededBy: highest.version, reason: `the rollout of ${packageName}@${highest.version}, newer than ${plan.head}, went forward since the rollback was planned` };
    }
    const canceled: string[] = [];
    for (const group of targets) {
      const handed = await getItem(deps.lease.dynamodb, deps.lease.table, targetKey(packageName, group));
      const badJob = typeof handed?.jobId === 'string' && typeof handed.version === 'string' && compareVersions(handed.version, target) > 0 ? handed.jobId : undefined;
      if (!badJob || canceled.includes(badJob)) continue;
      await fenced(deps, lease);
      if (await cancelJob(deps.iot, badJob, SUPERSEDED_REASON, `rolled back to ${packageName}@${target} by ${request.requestedBy}`)) canceled.push(badJob);
    }
    await fenced(deps, lease);
    await createJob(deps.iot, { ...job, description: `pkgrelease rollback of ${packageName} to ${target}`.slice(0, IOT_JOBS.description.max) });
    await fenced(deps, lease);
    await record(deps, highestKey(packageName), { version: target, jobId });
    for (const group of targets) await record(deps, targetKey(packageName, group), { version: target, jobId });
    return { canceled };
  } finally {
    await releaseLease(deps.lease, lease);
  }
}
