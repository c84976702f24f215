import type { OpenSearchClient, PackageDetails, PackageVersionHistory } from '@aws-sdk/client-opensearch';
import { getVersionHistory } from '../clients/opensearch';
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
}

export async function lookAtPackage(opensearch: OpenSearchClient, pkg: PackageDetails): Promise<OpenSearchView> {
  const history = newestFirst(await getVersionHistory(opensearch, pkg.PackageID!));
  const available = pkg.AvailablePackageVersion ?? null;
  const latest = history[0];
  return {
    packageId: pkg.PackageID!,
    status: pkg.PackageStatus ?? 'UNKNOWN',
    availableVersion: available,
    served: parseCommitMessage(history.find((h) => h.PackageVersion === available)?.CommitMessage),
    latest: latest && { packageVersion: latest.PackageVersion ?? '', commit: parseCommitMessage(latest.CommitMessage) },
    errorDetails: pkg.ErrorDetails,
  };
}

/** AWS documents no order for the history: newest first by CreatedAt, then by the version's number. */
function newestFirst(history: PackageVersionHistory[]): PackageVersionHistory[] {
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
