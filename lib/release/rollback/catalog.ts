import type { IoTClient } from '@aws-sdk/client-iot';
import { deprecatePackageVersion, getPackage, getPackageVersion, listPublishedVersions, setDefaultVersion } from '../../clients/iot';
import { deriveSubToken } from '../identity';
import { type LeaseStore, type RolledBackHead, releaseLease } from '../lease';
import { takeRolloutLease } from '../rollout/supersede';
import { barredByRollback, readHead } from './epoch';
import { compareVersions, newestVersion } from '../version-order';
import { rollbackLeaseOwner } from './opensearch';
import type { RollbackPlan } from './validate';
import type { RollbackRequest } from './request';

export interface RollbackCatalogResult {
  defaultVersion: string;
  defaultChanged: boolean;
  /** The versions this run deprecated (already DEPRECATED ones are left out). */
  deprecated: string[];
  /** A release newer than the rolled back head went forward meanwhile: the default is (or will be) its, not the target. */
  forward?: string;
  /** Another rollback moved the head since this one did: the default was left to it. */
  replacedBy?: string;
}

export interface RollbackCatalogDeps {
  iot: IoTClient;
  /** The table of the leases: the head in force is read from it; without it, the head is not checked (tests of the catalog alone). */
  lease?: LeaseStore;
  /** With a rollout, the default moves under the package's rollout lease, as RolloutDefault's does. */
  withRollout?: boolean;
}

/**
 * The IoT side of a rollback: the default moves to the target FIRST (so devices asking for the
 * default never get a DEPRECATED version in between), then every version above the target that is
 * still PUBLISHED is deprecated. Decided from what IoT shows now, so a retry or redrive converges.
 *
 * A release newer than the head the rollback was planned against goes forward as usual
 * (docs/rollback.md), so the default is never moved back under it: without a rollout its Promote
 * publishes it and moves the default lease-free, so this step looks again after its own move and
 * hands the default to the newest such version (whichever of the two moves last, the other's look
 * comes after it); with a rollout both this move and RolloutDefault's run under the rollout lease.
 */
export async function rollBackCatalog(request: Pick<RollbackRequest, 'packageName' | 'rollbackToken' | 'execution' | 'opensearch'>, plan: RollbackPlan, deps: RollbackCatalogDeps): Promise<RollbackCatalogResult> {
  const move = async () => {
    // Another rollback moved the head since this one did (its lease ran out while this step was retried): its default stands.
    const head = deps.lease ? await readHead(deps.lease, request.opensearch.packageName) : undefined;
    if (head && head.token !== request.rollbackToken) return { defaultVersion: head.head, defaultChanged: false, replacedBy: head.head };
    return moveDefault(request, plan, deps, head);
  };
  const moved = deps.withRollout && deps.lease ? await underRolloutLease(request, deps.lease, deps.iot, move) : await move();
  const deprecated: string[] = [];
  for (const versionName of plan.above) {
    const version = await getPackageVersion(deps.iot, request.packageName, versionName);
    if (version?.status !== 'PUBLISHED') continue;
    await deprecatePackageVersion(deps.iot, request.packageName, versionName, deriveSubToken(request.rollbackToken, `rollback-deprecate-${versionName}`));
    deprecated.push(versionName);
  }
  return { ...moved, deprecated };
}

async function underRolloutLease<T>(request: Pick<RollbackRequest, 'packageName' | 'rollbackToken' | 'execution'>, lease: LeaseStore, iot: IoTClient, act: () => Promise<T>): Promise<T> {
  const held = await takeRolloutLease({ iot, lease }, request.packageName, rollbackLeaseOwner(request), 'rollback-default');
  try {
    return await act();
  } finally {
    await releaseLease(lease, held);
  }
}

async function moveDefault(request: Pick<RollbackRequest, 'packageName' | 'rollbackToken'>, plan: RollbackPlan, deps: RollbackCatalogDeps, head: RolledBackHead | undefined): Promise<Omit<RollbackCatalogResult, 'deprecated'>> {
  const { packageName, rollbackToken } = request;
  const target = plan.target.versionName;
  // Above the planned head and not barred by the head in force (a bad version an earlier rollback barred is no release going forward).
  const isForward = (v: string) => compareVersions(v, plan.head) > 0 && !barredByRollback(head, v);
  const forwardOf = async () => newestVersion((await listPublishedVersions(deps.iot, packageName)).filter(isForward));
  const current = (await getPackage(deps.iot, packageName))?.defaultVersionName;
  if (current !== undefined && isForward(current)) return { defaultVersion: current, defaultChanged: false, forward: current };
  // With a rollout the forward version's RolloutDefault moves the default once its stages passed.
  const forward = deps.withRollout ? undefined : await forwardOf();
  const next = forward ?? target;
  const defaultChanged = current !== next;
  if (defaultChanged) await setDefaultVersion(deps.iot, packageName, next, deriveSubToken(rollbackToken, forward ? `rollback-default-forward-${forward}` : 'rollback-default'));
  if (forward || deps.withRollout) return { defaultVersion: next, defaultChanged, ...(forward && { forward }) };
  // A Promote that published a newer version and read the default before this move: hand it over.
  const late = await forwardOf();
  if (!late) return { defaultVersion: target, defaultChanged };
  await setDefaultVersion(deps.iot, packageName, late, deriveSubToken(rollbackToken, `rollback-default-forward-${late}`));
  return { defaultVersion: late, defaultChanged: true, forward: late };
}
