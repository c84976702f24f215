import type { IoTClient } from '@aws-sdk/client-iot';
import { cancelJob, createJob } from '../../clients/iot-jobs';
import { conditionalUpdate, getItem } from '../../clients/dynamodb';
import { OpenSearchPackageLocked } from '../errors';
import { acquireLease, type Lease, type LeaseStore, releaseLease, renewLease } from '../lease';
import { barredByRollback, readHead } from '../rollback/epoch';
import { compareVersions } from '../version-order';
import { RolloutLocked } from './errors';
import type { CreateJobCommandInput } from '@aws-sdk/client-iot';

/**
 * Superseding, under the same lease and fencing discipline as the OpenSearch steps (lib/release/lease.ts):
 * one lease per package's rollout, held only while a stage's job is started. Under it a release
 * reads what was handed to each target, and
 * - never starts a stage when a newer version's rollout of the package has started (superseded);
 * - cancels an older version's job still running on the same targets (reason `SUPERSEDED`), never
 *   a job of the same version;
 * - renews with its fence right before CreateJob, so a zombie invocation that lost the lease stops;
 * - records, per target, the version and job it handed over, and the package's highest rollout.
 * So no target group is handed an older version after a newer one, whatever the interleaving.
 */
export const SUPERSEDED_REASON = 'SUPERSEDED';

export interface RolloutDeps {
  iot: IoTClient;
  lease: LeaseStore;
}

export const rolloutLeaseKey = (packageName: string) => `lease#rollout#${packageName}`;
export const highestKey = (packageName: string) => `rollout#${packageName}#highest`;
export const targetKey = (packageName: string, target: string) => `rollout#${packageName}#target#${target}`;

export type StartOutcome = { started: true; created: boolean; canceled: string[] } | { started: false; supersededBy: string };

export interface StartRequest {
  packageName: string;
  versionName: string;
  /** The execution (lease owner). */
  owner: string;
  /** The OpenSearch package whose lease record holds the head a rollback moved (lib/release/rollback/epoch.ts). */
  opensearchPackage: string;
  job: CreateJobCommandInput & { jobId: string; targets: string[] };
}

export async function startSuperseding(req: StartRequest, deps: RolloutDeps): Promise<StartOutcome> {
  const { packageName, versionName } = req;
  const lease = await takeRolloutLease(deps, packageName, req.owner, versionName);
  try {
    // A rollback moved the head past this version: no device group is handed it again.
    const rolledBack = await readHead(deps.lease, req.opensearchPackage);
    if (barredByRollback(rolledBack, versionName)) return { started: false, supersededBy: rolledBack!.head };
    const highest = await getItem(deps.lease.dynamodb, deps.lease.table, highestKey(packageName));
    const highestVersion = typeof highest?.version === 'string' ? highest.version : undefined;
    if (highestVersion !== undefined && compareVersions(highestVersion, versionName) > 0) return { started: false, supersededBy: highestVersion };

    const canceled: string[] = [];
    for (const target of req.job.targets) {
      const handed = await getItem(deps.lease.dynamodb, deps.lease.table, targetKey(packageName, target));
      // Only an older version's job: a job of this same version (a rollback back to it, a second
      // upload of it) hands the targets nothing older, and canceling it would strand its devices.
      const older = typeof handed?.version === 'string' && compareVersions(handed.version, versionName) < 0;
      const jobId = older && typeof handed?.jobId === 'string' ? handed.jobId : undefined;
      if (jobId === undefined || jobId === req.job.jobId || canceled.includes(jobId)) continue;
      await fenced(deps, lease);
      if (await cancelJob(deps.iot, jobId, SUPERSEDED_REASON, `superseded by ${packageName}@${versionName}`)) canceled.push(jobId);
    }
    await fenced(deps, lease);
    const out = await createJob(deps.iot, req.job);
    await fenced(deps, lease);
    await record(deps, highestKey(packageName), { version: versionName, jobId: req.job.jobId });
    for (const target of req.job.targets) await record(deps, targetKey(packageName, target), { version: versionName, jobId: req.job.jobId });
    return { started: true, created: out.created, canceled };
  } finally {
    await releaseLease(deps.lease, lease);
  }
}

/** The package's rollout lease for `owner` (the execution); RolloutLocked (retried) while another release holds it. */
export async function takeRolloutLease(deps: RolloutDeps, packageName: string, owner: string, versionName: string): Promise<Lease> {
  try {
    return await acquireLease(deps.lease, rolloutLeaseKey(packageName), owner, `${packageName}@${versionName}`);
  } catch (e) {
    if (e instanceof OpenSearchPackageLocked) throw new RolloutLocked(`rollout of ${packageName}: ${e.message}`);
    throw e;
  }
}

/** Renews the lease with its fence; a lost lease (expired and taken) stops this invocation before it acts. */
export async function fenced(deps: RolloutDeps, lease: Lease): Promise<void> {
  if (!(await renewLease(deps.lease, lease))) throw new RolloutLocked(`the rollout lease ${lease.key} was lost (fence ${lease.fence}); retrying under a new lease`);
}

export async function record(deps: RolloutDeps, id: string, value: { version: string; jobId: string }): Promise<void> {
  await conditionalUpdate(deps.lease.dynamodb, {
    table: deps.lease.table,
    id,
    update: 'SET #version = :version, #jobId = :jobId',
    condition: 'attribute_not_exists(#version) OR #version <> :version OR #jobId <> :jobId',
    names: { '#version': 'version', '#jobId': 'jobId' },
    values: { ':version': value.version, ':jobId': value.jobId },
  });
}
