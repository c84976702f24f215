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
   * convention's, the package is not configured or its `sbom` is off, its version does not exist
   * yet, or it is a DRAFT whose SBOM is required (its release takes and gates on the SBOM itself).
   */
  outcome: 'attached' | 'already-attached' | 'kept-existing' | 'ignored';
  reason?: string;
}

/**
 * An SBOM uploaded to `sboms/<package>/<version>/sbom.zip` after its release looked for one:
 * attached to the PUBLISHED (or DEPRECATED) version, which AWS allows without a new version, unless
 * it has an SBOM already (replacing one is an operator's action), and, for an optional SBOM, to the
 * DRAFT its release is still publishing (a draft takes the newest). Its validation shows in
 * `pkgrelease sbom`; nothing is gated again. Converges by looking, so a duplicate event attaches
 * nothing twice.
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
  const policy = sbomPolicy(packageSettings(deps.config, packageName));
  if (policy === 'off') return ignored(`package "${packageName}" has sbom: off`);
  const version = await getPackageVersion(deps.iot, packageName, versionName);
  if (!version) return ignored('no such package version yet: its release attaches the SBOM');
  // A required SBOM gates its release, which attaches and judges the newest one itself. An optional
  // one may land after its release's CheckSbom looked and before the version is PUBLISHED: nobody
  // else would attach it then, so a DRAFT takes it here.
  if (version.status === 'DRAFT' && policy === 'required') return ignored('the version is DRAFT and its SBOM required: its release (running, waiting or to be redriven) attaches the newest SBOM and gates on it');
  const pinned = await pinSbom(deps.s3, { packageName, versionName, artifact: { bucket: bucket.name } });
  if (!pinned) return ignored(`s3://${bucket.name}/${key} is gone`);
  const release = { packageName, versionName, artifact: { bucket: bucket.name }, clientToken: deriveClientToken({ bucket: pinned.bucket, key: pinned.key, version: pinned.version }) };
  return { packageName, versionName, outcome: await attachIfNew(deps.iot, release, pinned, version) };
}
