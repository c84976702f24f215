/**
 * Which failures a Redrive can fix: the one classification read by `pkgrelease status`,
 * `pkgrelease redrive --all-failed`, `pkgrelease local redrive` and the local console.
 *
 * A redrive re-runs the failed state with the same input. It helps when the cause lies outside the
 * input (throttling, a missing OpenSearch package created since, a slow import, a lock held by a
 * crashed release). It can never fix the input itself: those need a new upload or manifest.
 */
export interface RedriveAdvice {
  /** Whether redriving the execution can make it succeed once the cause is gone. */
  redrivable: boolean;
  /** What a person does next, in one sentence. */
  action: string;
}

const FIX_INPUT = 'fix the input and upload a new release (a redrive re-runs the same input)';

/** Keyed by error name (what the ASL's ErrorEquals matches and what an execution reports). */
export const REDRIVE_ADVICE: Readonly<Record<string, RedriveAdvice>> = {
  InvalidRelease: { redrivable: false, action: FIX_INPUT },
  ArtifactNotFound: { redrivable: false, action: 'upload the artifact again; the pinned S3 object version does not exist' },
  VersionConflict: { redrivable: false, action: 'released versions are never overwritten: upload under a new version name' },
  OpenSearchPackageFailed: { redrivable: false, action: 'OpenSearch rejected the content: fix the artifact and release it as a new version' },
  ReleaseRejected: { redrivable: false, action: 'a person rejected it at WaitForApproval: fix what they named and release a new version' },
  IdempotencyValidationError: { redrivable: false, action: 'its clientToken was used for another release: start it again without clientToken (or with a new one)' },
  OpenSearchPackageNotFound: { redrivable: true, action: 'create the OpenSearch package (or fix "opensearchPackage"), then redrive' },
  DomainConfigInvalid: { redrivable: true, action: 'fix "domains" in config/packages.json (or create the domain) and redeploy, then redrive' },
  SbomLocationInvalid: { redrivable: false, action: 'name an SBOM under sboms/ in the versioned artifact bucket (x-amz-meta-sbom or the manifest) and upload a new release' },
  SbomMissing: { redrivable: true, action: 'upload the SBOM (sboms/<package>/<version>/sbom.zip, or where the manifest or x-amz-meta-sbom names it), then redrive' },
  SbomInvalid: { redrivable: true, action: 'upload a corrected SBOM to the same key, then redrive: it attaches the newest SBOM version (pkgrelease sbom <package> <version> shows each file\'s result)' },
  DomainAssociationFailed: { redrivable: true, action: 'fix what the domain reported (ErrorDetails), then redrive: it associates only the failed domains again' },
};

/** Anything not listed (transient AWS errors, timeouts, polls that ran out, Lambda errors) is redrivable. */
export const DEFAULT_ADVICE: RedriveAdvice = { redrivable: true, action: 'redrive: it resumes at the failed state once the cause is gone' };

export function redriveAdvice(errorName: string | undefined | null): RedriveAdvice {
  return (errorName && REDRIVE_ADVICE[errorName]) || DEFAULT_ADVICE;
}
