import type { IoTClient } from '@aws-sdk/client-iot';
import { createPackage, createPackageVersion, getPackage, getPackageVersion } from '../../clients/iot';
import { VersionConflict } from '../errors';
import type { ReleaseRequest } from '../request';

export interface CreateVersionResult {
  /** `created`: this run created it; `existing`: it was already there with this artifact. */
  outcome: 'created' | 'existing';
  versionArn: string;
  status: string;
}

/**
 * Step 2: the IoT package (if missing) and the package version, pinned to the artifact's S3 version.
 * Converges by looking: a version that already exists with the same artifact is this release's
 * own earlier work; with a different artifact it is someone else's release and is never overwritten.
 */
export async function createVersion(release: ReleaseRequest, iot: IoTClient): Promise<CreateVersionResult> {
  const { packageName, versionName, clientToken } = release;
  if (!(await getPackage(iot, packageName))) {
    try {
      await createPackage(iot, packageName, clientToken);
    } catch (e) {
      // Another release of this package created it between our look and our create.
      if ((e as Error).name !== 'ConflictException') throw e;
    }
  }

  try {
    const out = await createPackageVersion(iot, {
      packageName,
      versionName,
      clientToken,
      description: release.description,
      attributes: release.attributes,
      tags: release.tags,
      recipe: release.recipe,
      artifact: { s3Location: { bucket: release.artifact.bucket, key: release.artifact.key, version: release.artifact.version } },
    });
    return { outcome: 'created', versionArn: out.packageVersionArn ?? '', status: out.status ?? 'DRAFT' };
  } catch (e) {
    if ((e as Error).name !== 'ConflictException') throw e;
  }

  const existing = await getPackageVersion(iot, packageName, versionName);
  const location = existing?.artifact?.s3Location;
  const same =
    location?.bucket === release.artifact.bucket &&
    location?.key === release.artifact.key &&
    (location?.version ?? undefined) === release.artifact.version;
  if (!existing || !same) {
    const theirs = location ? `s3://${location.bucket}/${location.key}${location.version ? ` version ${location.version}` : ''}` : 'an unknown artifact';
    throw new VersionConflict(
      `${packageName}@${versionName} already exists with ${theirs}; a released version is never overwritten — upload under a new version name`,
    );
  }
  return { outcome: 'existing', versionArn: existing.packageVersionArn ?? '', status: existing.status ?? 'DRAFT' };
}
