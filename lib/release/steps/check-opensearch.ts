import { describePackageById } from '../../clients/opensearch';
import { OpenSearchNotReady, OpenSearchPackageFailed } from '../errors';
import { openSearchLeaseKey, releaseLease, renewLease } from '../lease';
import { isBusy, isFailed } from '../opensearch-view';
import type { ReleaseRequest } from '../request';
import { leaseOwner, reconcileOpenSearch, type UpdateOpenSearchDeps, type UpdateOpenSearchResult } from './update-opensearch';

/**
 * Step 4, polled by the ASL's Retry on OpenSearchNotReady: is this release's content — or a newer
 * release's — what the package serves? Returns when it is; raises OpenSearchNotReady while this
 * release's import runs; OpenSearchPackageFailed when it failed.
 *
 * Fast path (one DescribePackages): the lease granted to UpdateOpenSearch is still ours with the
 * same fence, so nobody touched the package since, and the package version our update created is
 * known. Anything else — the lease was lost, a redrive days later, our import overwritten — falls
 * back to a full look-and-act pass, which re-applies this release if it must. So the check can
 * always tell "superseded" (done) from "not yet" (poll again) from "lost" (apply again).
 *
 * When the package serves this release, the lease is given back — or, when the package has domains,
 * kept for ApplyToDomains and CheckDomains, which release it once every domain runs the update.
 *
 * Not wrapped in Powertools idempotency: it is a look that changes nothing but the lease's expiry,
 * and each poll must look again.
 */
export async function checkOpenSearch(release: ReleaseRequest, update: UpdateOpenSearchResult, deps: UpdateOpenSearchDeps): Promise<UpdateOpenSearchResult> {
  if (update.outcome !== 'importing') return update;
  if (update.fence !== undefined && update.packageVersion !== undefined) {
    const lease = await renewLease(deps.lease, { key: openSearchLeaseKey(update.packageName), owner: leaseOwner(release), fence: update.fence, expiresAt: 0 });
    const pkg = lease && (await describePackageById(deps.opensearch, update.packageId));
    if (lease && pkg) {
      const status = pkg.PackageStatus ?? 'UNKNOWN';
      if (pkg.AvailablePackageVersion === update.packageVersion) {
        const memo = { version: release.versionName, packageId: update.packageId, packageVersion: update.packageVersion };
        // Held on for the domain steps when the package has domains: no other release in between.
        if (deps.holdLeaseForDomains?.(release)) await renewLease(deps.lease, lease, memo);
        else await releaseLease(deps.lease, lease, memo);
        // The type from this very description: a result stored by older code did not carry it.
        const packageType = pkg.PackageType ?? update.packageType;
        return { ...update, outcome: 'served', servedVersion: release.versionName, ...(packageType && { packageType }) };
      }
      if (isBusy(status)) throw notReady(update, status);
      if (isFailed(status)) {
        await releaseLease(deps.lease, lease);
        throw new OpenSearchPackageFailed(status, pkg.ErrorDetails, update.packageName);
      }
    }
  }
  const now = await reconcileOpenSearch(release, deps);
  if (now.outcome === 'importing') throw notReady(now, 'importing');
  return now;
}

function notReady(update: UpdateOpenSearchResult, status: string): OpenSearchNotReady {
  return new OpenSearchNotReady(
    `OpenSearch package ${update.packageName} is still ${status} with this release's content (${update.packageVersion ?? 'version pending'}); polling again (a redrive keeps waiting)`,
  );
}
