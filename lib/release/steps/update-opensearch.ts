import type { OpenSearchClient } from '@aws-sdk/client-opensearch';
import type { S3Client } from '@aws-sdk/client-s3';
import { findPackageByName, getVersionHistory, updatePackage } from '../../clients/opensearch';
import { copyArtifactVersion } from '../staging-copy';
import { OpenSearchPackageBusy, OpenSearchPackageFailed, OpenSearchPackageLocked } from '../errors';
import { commitMessage, parseCommitMessage, shortToken } from '../identity';
import { acquireLease, type Lease, type LeaseStore, openSearchLeaseKey, peekLease, releaseLease, renewLease, type ServedMemo } from '../lease';
import { isBusy, isFailed, isThisRelease, lookAtPackage, newestFirst, type OpenSearchView, servesReleaseOrNewer } from '../opensearch-view';
import type { ReleaseRequest } from '../request';
import { barredByRollback } from '../rollback/epoch';
import { compareVersions } from '../version-order';

export interface UpdateOpenSearchDeps {
  opensearch: OpenSearchClient;
  /** Client for UpdatePackage, without SDK retries (see AwsClients.opensearchWrites). */
  opensearchWrites?: OpenSearchClient;
  s3: S3Client;
  /** Where the immutable copy of the pinned bytes goes; default: the artifact's bucket. */
  stagingBucket?: string;
  stagingPrefix: string;
  lease: LeaseStore;
  /**
   * Whether the lease stays held once the package serves this release, for the domain steps that
   * follow (ApplyToDomains, CheckDomains), so that no other release gets in between. Default: no.
   */
  holdLeaseForDomains?: (release: ReleaseRequest) => boolean;
}

/**
 * Where this release stands with its OpenSearch package (the UpdateOpenSearch result, which the
 * CheckOpenSearch polls read):
 * - `importing`: this release's import is running; `packageVersion` is its history entry;
 * - `served`: the package serves this release's content;
 * - `superseded`: it serves a newer release's content, so this one is not imported.
 */
export interface UpdateOpenSearchResult {
  packageId: string;
  packageName: string;
  outcome: 'importing' | 'served' | 'superseded';
  commitMessage: string;
  /** The package version holding this release's content, when known. */
  packageVersion?: string;
  /** The release version the package serves (when served or superseded). */
  servedVersion?: string;
  /** The fence of the lease this execution holds while importing. */
  fence?: number;
  /**
   * The OpenSearch package type, from the look at the package that produced this result, so that
   * ApplyToDomains needs no DescribePackages of its own. Absent when the result came without one.
   */
  packageType?: string;
  /** When this release's import started (epoch ms; set by the UpdateOpenSearch Lambda): its duration is a metric. */
  startedAt?: number;
}

/**
 * Step 3: bring the OpenSearch package to this release's content, unless it already serves this
 * release or a newer one. Safe under any interleaving:
 * - the look → UpdatePackage → AVAILABLE section runs under the package's lease (lib/release/lease.ts),
 *   so no other release updates the package in between;
 * - the lease is renewed (fence checked) right before UpdatePackage, so a zombie never updates;
 * - every decision is made from what AWS shows (served content, newest import), so a retry, a
 *   redrive or an execution whose Powertools record expired converges instead of updating twice.
 */
export async function updateOpenSearch(release: ReleaseRequest, deps: UpdateOpenSearchDeps): Promise<UpdateOpenSearchResult> {
  return reconcileOpenSearch(release, deps);
}

/**
 * Before the UpdateOpenSearch Lambda enters its Powertools record: when another release holds the
 * lease and nothing says the package already serves this release or a newer one, this release has
 * to wait — say so with one read, instead of writing an in-progress record, failing to take the
 * lease and deleting the record again on every attempt of the wait. (Taking the lease decides; this
 * look only saves work, and a race with it merely costs one more attempt.)
 */
export async function waitIfLocked(release: ReleaseRequest, deps: Pick<UpdateOpenSearchDeps, 'lease'>): Promise<void> {
  const { heldByOther, served } = await peekLease(deps.lease, openSearchLeaseKey(release.opensearch.packageName), leaseOwner(release));
  if (heldByOther && !(served && compareVersions(served.version, release.versionName) >= 0)) {
    throw new OpenSearchPackageLocked(`${openSearchLeaseKey(release.opensearch.packageName)} is held by ${heldByOther}; waiting for it`);
  }
}

/** Who holds the lease: the execution (a redrive is the same owner); outside Step Functions, the release. */
export function leaseOwner(release: Pick<ReleaseRequest, 'execution' | 'clientToken'>): string {
  return release.execution ?? release.clientToken;
}

/**
 * One look-and-act pass. Returns `importing` while this release's import runs; the caller decides
 * whether that is an answer (UpdateOpenSearch) or a reason to poll again (CheckOpenSearch).
 */
export async function reconcileOpenSearch(release: ReleaseRequest, deps: UpdateOpenSearchDeps): Promise<UpdateOpenSearchResult> {
  const name = release.opensearch.packageName;
  const message = commitMessage(release.packageName, release.versionName, release.clientToken);
  const base = (view: Pick<OpenSearchView, 'packageId' | 'packageType'>) => ({
    packageId: view.packageId,
    packageName: name,
    commitMessage: message,
    ...(view.packageType && { packageType: view.packageType }),
  });

  let lease: Lease;
  try {
    lease = await acquireLease(deps.lease, openSearchLeaseKey(name), leaseOwner(release), `${release.packageName}@${release.versionName}`);
  } catch (e) {
    // Held by another release. Waiting costs no AWS call: the holders' memo on the lease item says
    // when the package serves this release or a newer one, and then there is nothing to wait for;
    // one look (by name) gives the result the package's current ID and type.
    if (!(e instanceof OpenSearchPackageLocked) || !e.served || compareVersions(e.served.version, release.versionName) < 0) throw e;
    const pkg = await findPackageByName(deps.opensearch, name);
    if (!pkg?.PackageID) throw e;
    return done(base({ packageId: pkg.PackageID, packageType: pkg.PackageType }), e.served, release);
  }

  if (barredByRollback(lease.rolledBack, release.versionName)) {
    // A rollback moved the head past this version: it is never served again (docs/rollback.md).
    // This release succeeds without changing anything, as if a newer release had superseded it.
    await releaseLease(deps.lease, lease);
    const pkg = await findPackageByName(deps.opensearch, name);
    return { ...base({ packageId: pkg?.PackageID ?? '', packageType: pkg?.PackageType }), outcome: 'superseded', servedVersion: lease.rolledBack!.head };
  }
  const view = await lookAtPackage(deps.opensearch, name).catch(async (e: unknown) => {
    await releaseLease(deps.lease, lease);
    throw e;
  });
  if (servesReleaseOrNewer(view, release)) {
    const memo: ServedMemo = { version: view.served!.versionName, packageId: view.packageId, packageVersion: view.availableVersion ?? undefined };
    const result = done(base(view), memo, release);
    if (result.outcome === 'served' && deps.holdLeaseForDomains?.(release)) {
      await renewLease(deps.lease, lease, memo);
      return { ...result, fence: lease.fence };
    }
    await releaseLease(deps.lease, lease, memo);
    return result;
  }
  if (view.latest && isThisRelease(view.latest.commit, release)) {
    // Our import was started earlier (a lost response, a retry, a redrive): never start it twice.
    if (isBusy(view.status)) return { ...base(view), outcome: 'importing', packageVersion: view.latest.packageVersion, fence: lease.fence };
    if (isFailed(view.status)) {
      await releaseLease(deps.lease, lease);
      throw new OpenSearchPackageFailed(view.status, view.errorDetails, name);
    }
  }
  if (isBusy(view.status)) {
    // Someone else's import (a person, or an update made outside pkgrelease): wait for it to end.
    throw new OpenSearchPackageBusy(`OpenSearch package ${name} is ${view.status} with an update this release did not start; retrying later`);
  }

  const staging = { bucket: deps.stagingBucket ?? release.artifact.bucket, key: stagingKey(release, deps.stagingPrefix) };
  const held = await stageAndImport(deps, lease, { packageId: view.packageId, name, commitMessage: message }, release.artifact, staging);
  return { ...base(view), outcome: 'importing', packageVersion: await ourPackageVersion(deps.opensearch, view.packageId, release), fence: held.fence };
}

/**
 * Stages an immutable copy of exactly the pinned version (PackageSource has no version field), renews
 * the lease (the fence: only the holder of this very grant may update, and it holds it for the whole
 * TTL), then UpdatePackage. Returns the renewed lease.
 */
export async function stageAndImport(
  deps: UpdateOpenSearchDeps,
  lease: Lease,
  pkg: { packageId: string; name: string; commitMessage: string },
  artifact: Parameters<typeof copyArtifactVersion>[1],
  staging: { bucket: string; key: string },
): Promise<Lease> {
  await copyArtifactVersion(deps.s3, artifact, staging);
  const held = await renewLease(deps.lease, lease);
  if (!held) throw new OpenSearchPackageLocked(`the lease on ${pkg.name} was taken over before UpdatePackage; looking again`);
  try {
    await updatePackage(deps.opensearchWrites ?? deps.opensearch, { packageId: pkg.packageId, ...staging, commitMessage: pkg.commitMessage });
  } catch (e) {
    if ((e as Error).name === 'ConflictException') throw new OpenSearchPackageBusy(`OpenSearch package ${pkg.name} is busy with another update; retrying later`);
    throw e;
  }
  return held;
}

/** The package serves `served.version`, this release's or a newer one: nothing more to import. */
function done(base: Omit<UpdateOpenSearchResult, 'outcome'>, served: ServedMemo, release: ReleaseRequest): UpdateOpenSearchResult {
  const outcome = served.version === release.versionName ? 'served' : 'superseded';
  return { ...base, outcome, servedVersion: served.version, packageVersion: outcome === 'served' ? served.packageVersion : undefined };
}

/**
 * The history entry our UpdatePackage created: remembered, so the polls need no history. The newest
 * one with our token: after a re-apply the history also holds our earlier, overwritten entry.
 */
async function ourPackageVersion(opensearch: OpenSearchClient, packageId: string, release: ReleaseRequest): Promise<string | undefined> {
  return newestFirst(await getVersionHistory(opensearch, packageId)).find((h) => isThisRelease(parseCommitMessage(h.CommitMessage), release))?.PackageVersion;
}

/** `staging/<package>/<version>/<token16>/<file>`: unique per release, so it never changes once written. */
export function stagingKey(release: ReleaseRequest, prefix: string): string {
  const file = release.artifact.key.split('/').pop() ?? 'artifact';
  return `${prefix}${release.packageName}/${release.versionName}/${shortToken(release.clientToken)}/${file}`;
}
