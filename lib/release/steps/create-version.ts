import type { IoTClient } from '@aws-sdk/client-iot';
import type { S3Client } from '@aws-sdk/client-s3';
import { createPackage, createPackageVersion, getPackageVersion } from '../../clients/iot';
import { headObject } from '../../clients/s3';
import { type ContentIdentity, contentOf, describeArtifact, sameBytes } from '../content';
import { VersionConflict } from '../errors';
import { fleetIndexingRefusal } from '../fleet-indexing';
import type { ReleaseRequest } from '../request';

export interface CreateVersionResult {
  /** `created`: this run created it; `existing`: it was already there with this content (an earlier run, or an identical upload). */
  outcome: 'created' | 'existing';
  versionArn: string;
  status: string;
  /** When `existing` through another upload of the same bytes: "already released", and from which artifact. */
  alreadyReleasedAs?: string;
}

/**
 * Step 2: the IoT package version (DRAFT), pinned to the artifact's S3 version; the package itself
 * only when CreatePackageVersion says it is missing (one call on the usual path).
 *
 * Converges by looking: a version name that already exists is this release's own earlier work, or
 * an identical re-upload (same bytes by S3 checksum, another S3 version id) — both done; with
 * different bytes it is someone else's release and is never overwritten (VersionConflict).
 */
export async function createVersion(release: ReleaseRequest, deps: { iot: IoTClient; s3: S3Client }): Promise<CreateVersionResult> {
  const { packageName, versionName, clientToken } = release;
  const input = {
    packageName,
    versionName,
    clientToken,
    description: release.description,
    attributes: release.attributes,
    tags: release.tags,
    recipe: release.recipe,
    artifact: { s3Location: { bucket: release.artifact.bucket, key: release.artifact.key, version: release.artifact.version } },
  };
  try {
    const out = await createMissingPackageAnd(() => createPackageVersion(deps.iot, input), deps.iot, packageName, clientToken);
    return { outcome: 'created', versionArn: out.packageVersionArn ?? '', status: out.status ?? 'DRAFT' };
  } catch (e) {
    if ((e as Error).name !== 'ConflictException') throw (await fleetIndexingRefusal(e, deps.iot, `creating ${packageName}@${versionName}`)) ?? e;
  }

  const existing = await getPackageVersion(deps.iot, packageName, versionName);
  const theirs = existing?.artifact?.s3Location;
  const base = { outcome: 'existing' as const, versionArn: existing?.packageVersionArn ?? '', status: existing?.status ?? 'DRAFT' };
  const ours = release.artifact;
  if (theirs?.bucket === ours.bucket && theirs.key === ours.key && (theirs.version ?? undefined) === ours.version) return base;

  const theirRef = theirs?.bucket && theirs.key ? { bucket: theirs.bucket, key: theirs.key, version: theirs.version } : undefined;
  const theirHead = theirRef && (await headObject(deps.s3, theirRef.bucket, theirRef.key, theirRef.version));
  const theirContent: ContentIdentity = theirHead ? contentOf(theirHead) : {};
  const ourContent: ContentIdentity = { size: ours.size, checksum: ours.checksum, etag: ours.etag };
  const same = theirRef && theirHead ? await sameBytes(deps.s3, { ref: ours, content: ourContent }, { ref: theirRef, content: theirContent }) : false;
  if (!same) {
    throw new VersionConflict(
      `${packageName}@${versionName} already exists with different content: released ${theirRef ? describeArtifact(theirRef, theirContent) : 'an artifact that cannot be read'}, ` +
        `this upload ${describeArtifact(ours, ourContent)}; a released version is never overwritten — upload under a new version name`,
    );
  }
  return { ...base, alreadyReleasedAs: `already released with the same content from ${describeArtifact(theirRef!, theirContent)}` };
}

/** Runs `create`; when IoT answers that the package does not exist, creates it and runs `create` again. */
async function createMissingPackageAnd<T>(create: () => Promise<T>, iot: IoTClient, packageName: string, clientToken: string): Promise<T> {
  try {
    return await create();
  } catch (e) {
    if ((e as Error).name !== 'ResourceNotFoundException') throw e;
  }
  try {
    await createPackage(iot, packageName, clientToken);
  } catch (e) {
    // Another release of this package created it first.
    if ((e as Error).name !== 'ConflictException') throw e;
  }
  return create();
}
