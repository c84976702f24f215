import { AssociateSbomWithPackageVersionCommand, type IoTClient, paginateListSbomValidationResults, type SbomValidationResultSummary } from '@aws-sdk/client-iot';

/** One helper per SBOM call the release makes (GetPackageVersion, which shows the SBOM, is in iot.ts). */

export interface SbomS3Location {
  bucket: string;
  key: string;
  version: string;
}

export async function associateSbom(iot: IoTClient, packageName: string, versionName: string, s3Location: SbomS3Location, clientToken: string) {
  return iot.send(new AssociateSbomWithPackageVersionCommand({ packageName, versionName, sbom: { s3Location }, clientToken }));
}

/** Every file's validation result of the version's SBOM (all pages). */
export async function listSbomValidationResults(iot: IoTClient, packageName: string, versionName: string): Promise<SbomValidationResultSummary[]> {
  const results: SbomValidationResultSummary[] = [];
  for await (const page of paginateListSbomValidationResults({ client: iot }, { packageName, versionName })) results.push(...(page.validationResultSummaries ?? []));
  return results;
}
