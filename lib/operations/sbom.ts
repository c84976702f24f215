import type { IoTClient } from '@aws-sdk/client-iot';
import type { S3Client } from '@aws-sdk/client-s3';
import { getPackageVersion } from '../clients/iot';
import { associateSbom, listSbomValidationResults } from '../clients/iot-sbom';
import { deriveClientToken } from '../release/identity';
import { sameObject } from '../release/sbom/attach';
import { type PinnedSbom, pinSbom } from '../release/sbom/source';

/** `pkgrelease sbom <package> <version>`: a package version's SBOM and AWS IoT's result for each of its files. */
export interface SbomReport {
  packageName: string;
  versionName: string;
  /** The package version's status (DRAFT, PUBLISHED, DEPRECATED). */
  versionStatus?: string;
  sbom?: { bucket?: string; key?: string; version?: string };
  /** IN_PROGRESS, FAILED, SUCCEEDED; NONE when no SBOM is attached. */
  validation: string;
  files: { fileName: string; validationResult: string; errorCode?: string; errorMessage?: string }[];
}

/** Undefined when the package version does not exist. */
export async function sbomReport(iot: IoTClient, packageName: string, versionName: string): Promise<SbomReport | undefined> {
  const version = await getPackageVersion(iot, packageName, versionName);
  if (!version) return undefined;
  const sbom = version.sbom?.s3Location;
  const files = sbom ? await listSbomValidationResults(iot, packageName, versionName) : [];
  return {
    packageName,
    versionName,
    versionStatus: version.status,
    ...(sbom && { sbom: { bucket: sbom.bucket, key: sbom.key, version: sbom.version } }),
    validation: version.sbomValidationStatus ?? 'NONE',
    files: files.map((f) => ({ fileName: f.fileName ?? '(unnamed)', validationResult: f.validationResult ?? 'UNKNOWN', ...(f.errorCode && { errorCode: f.errorCode }), ...(f.errorMessage && { errorMessage: f.errorMessage }) })),
  };
}

/** The operator's attach was refused; nothing changed. */
export class SbomAttachRefused extends Error {
  override readonly name = 'SbomAttachRefused';
}

/**
 * `pkgrelease sbom <package> <version> --attach s3://<bucket>/sboms/…`: attaches that SBOM object
 * version (default: the newest) to the version. A version that has another SBOM keeps it unless
 * `replace` says so: the explicit operator action that replaces a released version's SBOM.
 */
export async function attachByOperator(
  deps: { iot: IoTClient; s3: S3Client },
  target: { packageName: string; versionName: string; bucket: string; key: string; versionId?: string; replace?: boolean },
): Promise<{ outcome: 'attached' | 'already-attached'; sbom: PinnedSbom }> {
  const { packageName, versionName } = target;
  const version = await getPackageVersion(deps.iot, packageName, versionName);
  if (!version) throw new SbomAttachRefused(`package version ${packageName}@${versionName} does not exist in this account and region`);
  const pinned = await pinSbom(deps.s3, { packageName, versionName, artifact: { bucket: target.bucket }, sbom: { key: target.key, versionId: target.versionId, from: 'manifest' } });
  if (!pinned) throw new SbomAttachRefused(`s3://${target.bucket}/${target.key}${target.versionId ? ` version ${target.versionId}` : ''} does not exist`);
  const current = version.sbom?.s3Location;
  if (current && sameObject(current, pinned)) return { outcome: 'already-attached', sbom: pinned };
  if (current && !target.replace) {
    throw new SbomAttachRefused(`${packageName}@${versionName} has another SBOM (s3://${current.bucket}/${current.key}, S3 version ${current.version}); add --replace to replace it`);
  }
  await associateSbom(deps.iot, packageName, versionName, { bucket: pinned.bucket, key: pinned.key, version: pinned.version }, deriveClientToken({ bucket: pinned.bucket, key: pinned.key, version: pinned.version }));
  return { outcome: 'attached', sbom: pinned };
}
