import type { IoTClient } from '@aws-sdk/client-iot';
import type { S3Client } from '@aws-sdk/client-s3';
import { getPackageVersion, listVersions } from '../../clients/iot';
import { headObject } from '../../clients/s3';
import { normaliseEtag } from '../identity';
import type { RolledBackHead } from '../lease';
import { barredByRollback } from './epoch';
import { compareVersions, newestVersion } from '../version-order';
import { RollbackTargetGone, RollbackTargetInvalid } from './errors';
import type { RollbackRequest } from './request';

/** The target's exact bytes: the S3 object version its IoT package version pinned. */
export interface PinnedTarget {
  versionName: string;
  bucket: string;
  key: string;
  version: string;
  /** The pinned version's ETag and size (HeadObject): the staging copy copies exactly these bytes. */
  etag: string;
  size?: number;
}

/** What ValidateRollback found: what the rollback will change, decided once. */
export interface RollbackPlan {
  target: PinnedTarget;
  /** The newest PUBLISHED version before the rollback. */
  head: string;
  /** The PUBLISHED versions newer than the target: the rollback deprecates them. */
  above: string[];
  /** The epoch of the head in force when planned (0: none): a rollback that moved it since supersedes this one. */
  headEpoch?: number;
}

const ROLLBACK_STATUSES = new Set(['PUBLISHED', 'DEPRECATED']);

/**
 * Step 1 of a rollback, read only: the target exists, is PUBLISHED or DEPRECATED, is older than the
 * head, and its pinned artifact version still exists. Any refusal is named and nothing has changed.
 */
export async function validateRollback(request: Pick<RollbackRequest, 'packageName' | 'targetVersion'>, iot: IoTClient, s3: S3Client, rolledBack?: RolledBackHead): Promise<RollbackPlan> {
  const { packageName, targetVersion } = request;
  const version = await getPackageVersion(iot, packageName, targetVersion);
  if (!version) throw new RollbackTargetInvalid(`${packageName}@${targetVersion} does not exist; pick a released version`);
  if (!ROLLBACK_STATUSES.has(String(version.status))) {
    throw new RollbackTargetInvalid(`${packageName}@${targetVersion} is ${String(version.status)}; only a PUBLISHED or DEPRECATED version can be rolled back to`);
  }
  // The head in force: a rollback's head bars the versions above it even before its catalog step deprecated them.
  const stillBarred = (v: string) => !!rolledBack && compareVersions(v, rolledBack.head) > 0 && barredByRollback(rolledBack, v);
  const published = (await listVersions(iot, packageName)).filter((v) => v.status === 'PUBLISHED').map((v) => v.versionName);
  const head = newestVersion(published.filter((v) => !stillBarred(v)));
  if (!head || compareVersions(targetVersion, head) >= 0) {
    throw new RollbackTargetInvalid(`${packageName}@${targetVersion} is not older than the head (${head ?? 'none'}); a rollback goes back, a release goes forward`);
  }
  const s3Location = version.artifact?.s3Location;
  if (!s3Location?.bucket || !s3Location.key || !s3Location.version) {
    throw new RollbackTargetGone(`${packageName}@${targetVersion} has no pinned S3 object version; its exact bytes are unknown`);
  }
  const pinned = await headObject(s3, s3Location.bucket, s3Location.key, s3Location.version);
  if (!pinned?.ETag) {
    throw new RollbackTargetGone(`s3://${s3Location.bucket}/${s3Location.key} version ${s3Location.version} (${packageName}@${targetVersion}) no longer exists`);
  }
  const above = published.filter((v) => compareVersions(v, targetVersion) > 0).sort(compareVersions);
  const target = { versionName: targetVersion, bucket: s3Location.bucket, key: s3Location.key, version: s3Location.version, etag: normaliseEtag(pinned.ETag) };
  return { target: { ...target, ...(pinned.ContentLength !== undefined && { size: pinned.ContentLength }) }, head, above, headEpoch: rolledBack?.epoch ?? 0 };
}
