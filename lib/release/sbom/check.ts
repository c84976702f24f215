import { listSbomValidationResults } from '../../clients/iot-sbom';
import { attachIfNew, outOfTime, sameObject, type SbomDeps, type SbomRelease, type SbomRun, versionOf } from './attach';
import { SbomInvalid, SbomMissing, SbomValidating } from './errors';
import type { SbomPolicy } from './settings';
import { pinSbom } from './source';

export interface SbomFileFailure {
  fileName: string;
  errorCode: string;
  errorMessage: string;
}

/** What the execution output reports of the SBOM (steps.checkSbom). */
export interface CheckSbomResult {
  policy: SbomPolicy;
  validation: 'OFF' | 'NONE' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  sbom?: { bucket: string; key: string; version: string };
  /** Under `optional`, the files AWS found invalid. */
  failedFiles?: SbomFileFailure[];
}

/**
 * CheckSbom (polled): waits for AWS's validation of the version's SBOM, one transition per poll
 * (SbomValidating, retried by the state machine). Before it judges a FAILED validation it looks
 * for a newer object version of the SBOM: a corrected upload is attached and validated instead,
 * so a redrive after the fix completes the release. Under `required`, FAILED is SbomInvalid for a
 * DRAFT, naming each file's error code and message; under `optional` (or for a version released
 * already) it is reported, not a gate.
 */
export async function checkSbom(release: SbomRelease, run: SbomRun, deps: SbomDeps): Promise<CheckSbomResult> {
  const { policy } = run;
  if (policy === 'off') return { policy, validation: 'OFF' };
  // AttachSbom found no optional SBOM at the convention's key: one uploaded since is attached by
  // sbom-arrived (to the DRAFT as to a released version, docs/sbom.md), so nothing to look at again.
  if (policy === 'optional' && run.attachOutcome === 'none' && !release.sbom) return { policy, validation: 'NONE' };
  const [version, newest] = await Promise.all([versionOf(deps.iot, release), pinSbom(deps.s3, release)]);
  const attached = version.sbom?.s3Location;
  if (newest && !(attached && sameObject(attached, newest)) && (await attachIfNew(deps.iot, release, newest, version)) === 'attached') {
    throw new SbomValidating(`attached the newest SBOM s3://${newest.bucket}/${newest.key} (S3 version ${newest.version}); waiting for its validation`);
  }
  // Only a DRAFT is gated: a released version (an identical re-upload) is reported, never refused.
  const gate = policy === 'required' && version.status === 'DRAFT';
  if (!attached?.bucket || !attached.key || !attached.version) {
    if (!gate) return { policy, validation: 'NONE' };
    throw new SbomMissing(`${release.packageName}@${release.versionName} requires an SBOM and has none attached; upload it, then redrive the execution`);
  }
  const sbom = { bucket: attached.bucket, key: attached.key, version: attached.version };
  const status = version.sbomValidationStatus;
  if (status === 'SUCCEEDED') return { policy, validation: 'SUCCEEDED', sbom };
  if (status === 'FAILED') {
    const failedFiles = (await listSbomValidationResults(deps.iot, release.packageName, release.versionName))
      .filter((r) => r.validationResult === 'FAILED')
      .map((r) => ({ fileName: r.fileName ?? '(unnamed)', errorCode: r.errorCode ?? 'UNKNOWN', errorMessage: r.errorMessage ?? '' }));
    if (!gate) return { policy, validation: 'FAILED', sbom, failedFiles };
    const files = failedFiles.map((f) => `${f.fileName}: ${f.errorCode}: ${f.errorMessage}`).join('; ') || 'no file named';
    throw new SbomInvalid(
      `AWS IoT found the SBOM s3://${sbom.bucket}/${sbom.key} (S3 version ${sbom.version}) of ${release.packageName}@${release.versionName} invalid: ${files}. ` +
        'Upload a corrected SBOM (SPDX 2.3 or CycloneDX JSON, zipped) to the same key, then redrive the execution: it attaches the newest SBOM version',
    );
  }
  if (!gate && outOfTime(run, deps.now ?? Date.now)) return { policy, validation: 'IN_PROGRESS', sbom };
  throw new SbomValidating(`AWS IoT is validating the SBOM s3://${sbom.bucket}/${sbom.key} of ${release.packageName}@${release.versionName}`);
}
