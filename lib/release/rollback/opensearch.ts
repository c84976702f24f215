import { OpenSearchPackageBusy, OpenSearchPackageFailed, OpenSearchPackageLocked } from '../errors';
import { isCommitOf, rollbackCommitMessage, shortToken } from '../identity';
import { acquireLease, openSearchLeaseKey, releaseLease } from '../lease';
import { isBusy, isFailed, lookAtPackage } from '../opensearch-view';
import { stageAndImport, type UpdateOpenSearchDeps, type UpdateOpenSearchResult } from '../steps/update-opensearch';
import { moveHead } from './epoch';
import type { RollbackRequest } from './request';
import type { RollbackPlan } from './validate';
import { compareVersions } from '../version-order';

/**
 * The OpenSearch side of a rollback. OpenSearch cannot "associate version N" again: the target's
 * pinned bytes are imported once more (UpdatePackage), under the package's lease, after moving the
 * head in the lease record (lib/release/rollback/epoch.ts) so that no release of a rolled back
 * version imports it again afterwards. Decided from what AWS shows: a retry or a redrive finds its
 * own import (the rollback token in the commit message) and never starts it twice.
 *
 * The result has the release's UpdateOpenSearch shape, so the release's CheckOpenSearch,
 * ApplyToDomains and CheckDomains logic serves the rollback as is.
 */
export async function rollBackOpenSearch(request: RollbackRequest, plan: RollbackPlan, deps: UpdateOpenSearchDeps): Promise<UpdateOpenSearchResult> {
  const name = request.opensearch.packageName;
  const target = plan.target.versionName;
  const message = rollbackCommitMessage(request.packageName, target, request.rollbackToken, request.requestedBy);
  const key = openSearchLeaseKey(name);
  const lease = await acquireLease(deps.lease, key, rollbackLeaseOwner(request), `${request.packageName}@rollback-to-${target}`);
  const view = await lookAtPackage(deps.opensearch, name).catch(async (e: unknown) => {
    await releaseLease(deps.lease, lease);
    throw e;
  });
  const base = { packageId: view.packageId, packageName: name, commitMessage: message, ...(view.packageType && { packageType: view.packageType }) };
  const other = lease.rolledBack;
  if (other && other.token !== request.rollbackToken && other.epoch > (plan.headEpoch ?? 0)) {
    // Another rollback moved the head after this one was planned (two at once): the first to move it wins.
    await releaseLease(deps.lease, lease);
    return { ...base, outcome: 'superseded', servedVersion: other.head };
  }
  if (view.served && isCommitOf(view.served, request.packageName) && compareVersions(view.served.versionName, plan.head) > 0) {
    // A newer release went forward since this rollback was planned (a late redrive): leave it.
    await releaseLease(deps.lease, lease);
    return { ...base, outcome: 'superseded', servedVersion: view.served.versionName };
  }
  const moved = await moveHead(deps.lease, lease, { head: target, barredThrough: plan.head, token: request.rollbackToken });
  if (!moved) throw new OpenSearchPackageLocked(`the lease on ${name} was taken over before the rollback moved the head; looking again`);
  const ours = view.latest?.commit?.token === shortToken(request.rollbackToken);
  if (ours && isBusy(view.status)) return { ...base, outcome: 'importing', packageVersion: view.latest!.packageVersion, fence: lease.fence };
  if (ours && isFailed(view.status)) {
    await releaseLease(deps.lease, lease);
    throw new OpenSearchPackageFailed(view.status, view.errorDetails, name);
  }
  if (ours && view.availableVersion === view.latest!.packageVersion) {
    return { ...base, outcome: 'served', servedVersion: target, packageVersion: view.availableVersion ?? undefined, fence: lease.fence };
  }
  if (isBusy(view.status)) throw new OpenSearchPackageBusy(`OpenSearch package ${name} is ${view.status} with an update this rollback did not start; retrying later`);

  const staging = { bucket: deps.stagingBucket ?? plan.target.bucket, key: `${deps.stagingPrefix}${request.packageName}/${target}/rollback-${shortToken(request.rollbackToken)}/${plan.target.key.split('/').pop() ?? 'artifact'}` };
  const held = await stageAndImport(deps, lease, { packageId: view.packageId, name, commitMessage: message }, plan.target, staging);
  const after = await lookAtPackage(deps.opensearch, name);
  return { ...base, outcome: 'importing', packageVersion: after.latest?.packageVersion, fence: held.fence };
}

/** Who holds the package's lease for a rollback: its execution (the rollback token outside one). */
export function rollbackLeaseOwner(request: Pick<RollbackRequest, 'execution' | 'rollbackToken'>): string {
  return request.execution ?? request.rollbackToken;
}
