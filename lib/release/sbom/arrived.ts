import type { IoTClient } from '@aws-sdk/client-iot';
import type { S3Client } from '@aws-sdk/client-s3';
import { type PackagesConfig, packageSettings } from '../config';
import { InvalidRelease } from '../errors';
import { deriveClientToken } from '../identity';
import { S3ObjectCreatedEventSchema } from '../inputs';
import { decodeEventKey } from '../key-convention';
import { getPackageVersion } from '../../clients/iot';
import { attachIfNew } from './attach';
import { sbomPolicy } from './settings';
import { pinSbom, SBOMS_PREFIX } from './source';

export interface SbomArrivedResult {
  packageName?: string;
  versionName?: string;
  /**
   * attached / already-attached / kept-existing: as AttachSbom; ignored: the SBOM is not the
   * convention's, the package is not configured or its `sbom` is off, or its version is not
   * released (a release in flight, failed or yet to come takes the SBOM itself).
   */
  outcome: 'attached' | 'already-attached' | 'kept-existing' | 'ignored';
  reason?: string;
}

/**
 * An SBOM uploaded to `sboms/<package>/<version>/sbom.zip` after its release finished: attached
 * to the PUBLISHED (or DEPRECATED) version, which AWS allows without a new version, unless it has
 * an SBOM already (replacing one is an operator's action). Its validation shows in
 * `pkgrelease sbom`; a released version is not gated again. Converges by looking, so a duplicate
 * event attaches nothing twice.
 */
export async function attachArrivedSbom(event: unknown, deps: { iot: IoTClient; s3: S3Client; config: PackagesConfig }): Promise<SbomArrivedResult> {
  const parsed = S3ObjectCreatedEventSchema.safeParse(event);
  if (!parsed.success) throw new InvalidRelease('the SBOM function takes EventBridge "Object Created" events from the artifact bucket only', 'detail-type');
  const { bucket, object } = parsed.data.detail;
  const key = decodeEventKey(object.key);
  const m = /^sboms\/([^/]+)\/([^/]+)\/sbom\.zip$/.exec(key);
  if (!key.startsWith(SBOMS_PREFIX) || !m) return { outcome: 'ignored', reason: `${key} is not sboms/<package>/<version>/sbom.zip; a manifest or x-amz-meta-sbom SBOM is attached by its release` };
  const [, packageName = '', versionName = ''] = m;
  const ignored = (reason: string): SbomArrivedResult => ({ packageName, versionName, outcome: 'ignored', reason });
  if (!Object.hasOwn(deps.config.packages, packageName)) return ignored(`package "${packageName}" has no configuration`);
  if (sbomPolicy(packageSettings(deps.config, packageName)) === 'off') return ignored(`package "${packageName}" has sbom: off`);
  const version = await getPackageVersion(deps.iot, packageName, versionName);
  if (!version) return ignored('no such package version yet: its release attaches the SBOM');
  if (version.status === 'DRAFT') return ignored('the version is DRAFT: its release (running, waiting or to be redriven) attaches the newest SBOM');
  const pinned = await pinSbom(deps.s3, { packageName, versionName, artifact: { bucket: bucket.name } });
  if (!pinned) return ignored(`s3://${bucket.name}/${key} is gone`);
  const release = { packageName, versionName, artifact: { bucket: bucket.name }, clientToken: deriveClientToken({ bucket: pinned.bucket, key: pinned.key, version: pinned.version }) };
  return { packageName, versionName, outcome: await attachIfNew(deps.iot, release, pinned, version) };
}
