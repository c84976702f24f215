import type { OpenSearchClient } from '@aws-sdk/client-opensearch';
import type { S3Client } from '@aws-sdk/client-s3';
import { findPackageByName, getVersionHistory, updatePackage } from '../../clients/opensearch';
import { copyObjectVersion } from '../../clients/s3';
import { OPENSEARCH } from '../constraints';
import { OpenSearchPackageBusy, OpenSearchPackageNotFound } from '../errors';
import { type CommitIdentity, commitMessage, isCommitOf, parseCommitMessage, shortToken } from '../identity';
import type { ReleaseRequest } from '../request';
import { compareVersions } from '../version-order';

export interface UpdateOpenSearchDeps {
  opensearch: OpenSearchClient;
  /** Client for UpdatePackage, without SDK retries (see AwsClients.opensearchWrites). */
  opensearchWrites?: OpenSearchClient;
  s3: S3Client;
  /** Where the immutable copy of the pinned bytes goes; default: the artifact's bucket. */
  stagingBucket?: string;
  stagingPrefix: string;
}

export interface UpdateOpenSearchResult {
  packageId: string;
  packageName: string;
  /** `updated`: this run started the import; `already-applied`: an earlier run did;
   *  `superseded`: a newer release of this IoT package is already there, so ours is skipped. */
  outcome: 'updated' | 'already-applied' | 'superseded';
  commitMessage: string;
  /** The release that superseded this one (when `superseded`). */
  supersededBy?: string;
}

/**
 * Step 3: import exactly the pinned bytes into the OpenSearch package. The package API has no
 * idempotency token, so the release identity is written into CommitMessage and the version history
 * is read first: if this release (or a newer one) is already there, nothing is updated.
 */
export async function updateOpenSearch(release: ReleaseRequest, deps: UpdateOpenSearchDeps): Promise<UpdateOpenSearchResult> {
  const name = release.opensearch.packageName;
  const pkg = await findPackageByName(deps.opensearch, name);
  if (!pkg?.PackageID) {
    throw new OpenSearchPackageNotFound(
      `no OpenSearch package named "${name}" in this account and region; create it (CreatePackage) or set "opensearchPackage" in config/packages.json`,
    );
  }
  const message = commitMessage(release.packageName, release.versionName, release.clientToken);
  const base = { packageId: pkg.PackageID, packageName: name, commitMessage: message };

  const commits = (await getVersionHistory(deps.opensearch, pkg.PackageID))
    .map((h) => parseCommitMessage(h.CommitMessage))
    .filter((c): c is CommitIdentity => c !== undefined && isCommitOf(c, release.packageName));
  if (commits.some((c) => c.token === shortToken(release.clientToken))) return { ...base, outcome: 'already-applied' };
  const newer = commits.find((c) => compareVersions(c.versionName, release.versionName) > 0);
  if (newer) return { ...base, outcome: 'superseded', supersededBy: newer.versionName };

  if ((OPENSEARCH.busyStatuses as readonly string[]).includes(pkg.PackageStatus ?? '')) {
    throw new OpenSearchPackageBusy(`OpenSearch package ${name} is ${pkg.PackageStatus} with another update; retrying later`);
  }

  // PackageSource has no version field: stage an immutable copy of exactly the pinned version.
  const staging = { bucket: deps.stagingBucket ?? release.artifact.bucket, key: stagingKey(release, deps.stagingPrefix) };
  await copyObjectVersion(deps.s3, release.artifact, staging);
  try {
    await updatePackage(deps.opensearchWrites ?? deps.opensearch, { packageId: pkg.PackageID, ...staging, commitMessage: message });
  } catch (e) {
    // Raced with another update that started after our look: the package is busy now.
    if ((e as Error).name === 'ConflictException') throw new OpenSearchPackageBusy(`OpenSearch package ${name} is being updated by another release; retrying later`);
    throw e;
  }
  return { ...base, outcome: 'updated' };
}

/** `staging/<package>/<version>/<token16>/<file>`: unique per release, so it never changes once written. */
export function stagingKey(release: ReleaseRequest, prefix: string): string {
  const file = release.artifact.key.split('/').pop() ?? 'artifact';
  return `${prefix}${release.packageName}/${release.versionName}/${shortToken(release.clientToken)}/${file}`;
}
