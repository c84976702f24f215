import type { OpenSearchClient, PackageDetails, PackageVersionHistory } from '@aws-sdk/client-opensearch';
import { findPackageByName, getVersionHistory } from '../clients/opensearch';
import { OpenSearchPackageNotFound } from './errors';
import { OPENSEARCH } from './constraints';
import { type CommitIdentity, isCommitOf, parseCommitMessage, shortToken } from './identity';
import type { ReleaseRequest } from './request';
import { compareVersions } from './version-order';

/**
 * What an OpenSearch package is doing, read from AWS: which release's content it serves (the
 * history entry of AvailablePackageVersion, identified by its CommitMessage) and which import is
 * the newest (the history's latest entry, whose outcome the status tells).
 */
export interface OpenSearchView {
  packageId: string;
  status: string;
  availableVersion: string | null;
  /** The release whose content is served; undefined for content no release of ours wrote. */
  served?: CommitIdentity;
  /** The newest history entry: the import that is running, or that ran last. */
  latest?: { packageVersion: string; commit?: CommitIdentity };
  errorDetails?: PackageDetails['ErrorDetails'];
  /** TXT-DICTIONARY, ZIP-PLUGIN, …: passed on so that ApplyToDomains need not describe the package again. */
  packageType?: string;
}

/**
 * Finds the package by name (IDs change on engine upgrades) and reads it afresh: status, available
 * version and history. Called under the lease, so what it sees cannot change until the holder acts;
 * a description read before the lease was taken is stale by then and must not decide anything.
 */
export async function lookAtPackage(opensearch: OpenSearchClient, packageName: string): Promise<OpenSearchView> {
  const pkg = await findPackageByName(opensearch, packageName);
  if (!pkg?.PackageID) {
    throw new OpenSearchPackageNotFound(
      `no OpenSearch package named "${packageName}" in this account and region; create it (CreatePackage) or set "opensearchPackage" in config/packages.json, then redrive`,
    );
  }
  const packageId = pkg.PackageID;
  const history = newestFirst(await getVersionHistory(opensearch, packageId));
  const available = pkg.AvailablePackageVersion ?? null;
  const latest = history[0];
  return {
    packageId: pkg.PackageID!,
    status: pkg.PackageStatus ?? 'UNKNOWN',
    availableVersion: available,
    served: parseCommitMessage(history.find((h) => h.PackageVersion === available)?.CommitMessage),
    latest: latest && { packageVersion: latest.PackageVersion ?? '', commit: parseCommitMessage(latest.CommitMessage) },
    errorDetails: pkg.ErrorDetails,
    ...(pkg.PackageType && { packageType: pkg.PackageType }),
  };
}

/** AWS documents no order for the history: newest first by CreatedAt, then by the version's number. */
export function newestFirst(history: PackageVersionHistory[]): PackageVersionHistory[] {
  const serial = (v?: string) => Number(/\d+/.exec(v ?? '')?.[0] ?? 0);
  return [...history].sort((a, b) => (b.CreatedAt?.getTime() ?? 0) - (a.CreatedAt?.getTime() ?? 0) || serial(b.PackageVersion) - serial(a.PackageVersion));
}

/**
 * Whether the package serves this release's content or a newer release's. A version name has
 * exactly one content (CreateVersion refuses a different artifact under a released name), so the
 * same version name — whichever upload of it wrote the commit — is the same content.
 */
export function servesReleaseOrNewer(view: Pick<OpenSearchView, 'served'>, release: Pick<ReleaseRequest, 'packageName' | 'versionName'>): boolean {
  const served = view.served;
  return served !== undefined && isCommitOf(served, release.packageName) && compareVersions(served.versionName, release.versionName) >= 0;
}

/** Whether a commit was written by this very release (its clientToken). */
export function isThisRelease(commit: CommitIdentity | undefined, release: Pick<ReleaseRequest, 'clientToken'>): boolean {
  return commit?.token === shortToken(release.clientToken);
}

export function isBusy(status: string): boolean {
  return (OPENSEARCH.busyStatuses as readonly string[]).includes(status);
}

export function isFailed(status: string): boolean {
  return (OPENSEARCH.failedStatuses as readonly string[]).includes(status);
}
