import type { IoTClient } from '@aws-sdk/client-iot';
import { getPackageVersion } from '../clients/iot';
import { listSbomValidationResults } from '../clients/iot-sbom';

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
