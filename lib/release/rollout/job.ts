import type { CreateJobCommandInput, Job } from '@aws-sdk/client-iot';
import { shortToken } from '../identity';
import { IOT_JOBS } from '../iot-jobs-constraints';
import type { ReleaseRequest } from '../request';
import { RolloutConfigInvalid, type StageCounts } from './errors';
import { checkRolloutFits } from './fit';
import { type RolloutSettings, type RolloutStage, THING_GROUP_ARN } from './settings';

/**
 * The job of one stage: its deterministic id and the CreateJob input. The id is the idempotency
 * key IoT Jobs offers (a second CreateJob with it is refused as existing): the same release, stage
 * and attempt always give the same id, so a retry, a re-run or a redrive never creates a second job.
 */
export function stageJobId(release: Pick<ReleaseRequest, 'packageName' | 'versionName' | 'clientToken'>, stage: string, attempt: number): string {
  const clean = (s: string) => s.replace(/[^a-zA-Z0-9_-]/g, '_');
  const tail = `-${clean(stage)}-${shortToken(release.clientToken).slice(0, 10)}${attempt > 0 ? `-a${attempt}` : ''}`;
  const head = `${clean(release.packageName)}-${clean(release.versionName)}`;
  return `${head.slice(0, IOT_JOBS.jobId.max - tail.length)}${tail}`;
}

/** `arn:<partition>:iot:<region>:<account>:` from the package version's ARN. */
function arnPrefix(versionArn: string): string {
  const m = /^(arn:[^:]+:iot:[^:]+:\d{12}:)package\//.exec(versionArn);
  if (!m) throw new RolloutConfigInvalid(`the package version ARN ${versionArn} is not an IoT package version ARN; the CreateVersion step must run first`);
  return m[1]!;
}

/** A configured target (thing group name or ARN) as the ARN CreateJob takes. */
export function targetArn(ref: string, versionArn: string): string {
  return THING_GROUP_ARN.test(ref) ? ref : `${arnPrefix(versionArn)}thinggroup/${ref}`;
}

export function createJobInput(p: { release: Pick<ReleaseRequest, 'packageName' | 'versionName' | 'recipe'>; versionArn: string; settings: RolloutSettings; stage: RolloutStage; jobId: string }): CreateJobCommandInput {
  const { release, settings, stage, versionArn } = p;
  const source = settings.jobDocument;
  let document: Pick<CreateJobCommandInput, 'document' | 'jobTemplateArn'>;
  if ('recipe' in source) {
    checkRolloutFits(release, settings);
    document = { document: release.recipe! };
  } else if ('jobTemplateArn' in source) document = { jobTemplateArn: source.jobTemplateArn };
  else document = { document: JSON.stringify(source.document) };
  const rate = stage.rate;
  return {
    jobId: p.jobId,
    targets: stage.targets.map((t) => targetArn(t, versionArn)),
    ...document,
    description: `pkgrelease ${release.packageName} ${release.versionName}, stage ${stage.name}`.slice(0, IOT_JOBS.description.max),
    destinationPackageVersions: [versionArn],
    targetSelection: 'SNAPSHOT',
    ...(settings.presignedUrlRoleArn && { presignedUrlConfig: { roleArn: settings.presignedUrlRoleArn, expiresInSec: settings.presignedUrlExpiresInSec ?? 3600 } }),
    ...(rate && {
      jobExecutionsRolloutConfig: {
        ...(rate.maximumPerMinute !== undefined && { maximumPerMinute: rate.maximumPerMinute }),
        ...('exponential' in rate && { exponentialRate: rate.exponential }),
      },
    }),
    ...(stage.abort && { abortConfig: { criteriaList: stage.abort.map((c) => ({ ...c, action: 'CANCEL' as const })) } }),
    ...(stage.inProgressTimeoutMinutes && { timeoutConfig: { inProgressTimeoutInMinutes: stage.inProgressTimeoutMinutes } }),
    ...(stage.maintenanceWindow && { schedulingConfig: { maintenanceWindows: [stage.maintenanceWindow] } }),
  };
}

export function stageCounts(job: Job): StageCounts {
  const d = job.jobProcessDetails ?? {};
  return {
    queued: d.numberOfQueuedThings ?? 0,
    inProgress: d.numberOfInProgressThings ?? 0,
    succeeded: d.numberOfSucceededThings ?? 0,
    failed: d.numberOfFailedThings ?? 0,
    rejected: d.numberOfRejectedThings ?? 0,
    timedOut: d.numberOfTimedOutThings ?? 0,
    removed: d.numberOfRemovedThings ?? 0,
    canceled: d.numberOfCanceledThings ?? 0,
  };
}
