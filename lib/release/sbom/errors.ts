/**
 * The SBOM gate's errors; as in ../errors.ts, each `name` is what the state machine's
 * `ErrorEquals` matches.
 */
import { ReleaseError } from '../errors';

/** A required SBOM is not in the bucket yet: AttachSbom is retried (the wait for it) until the package's sbomWaitMinutes. */
export class SbomNotArrived extends ReleaseError {
  override readonly name = 'SbomNotArrived';
  readonly retryable = true;
}

/** A required SBOM did not arrive within sbomWaitMinutes of this run. Upload it, then redrive. */
export class SbomMissing extends ReleaseError {
  override readonly name = 'SbomMissing';
  readonly retryable = false;
}

/** AWS is still validating the attached SBOM: CheckSbom is retried (one transition per poll). */
export class SbomValidating extends ReleaseError {
  override readonly name = 'SbomValidating';
  readonly retryable = true;
}

/** AWS found the required SBOM invalid. Names each failed file's error code and message; upload a corrected SBOM, then redrive. */
export class SbomInvalid extends ReleaseError {
  override readonly name = 'SbomInvalid';
  readonly retryable = false;
}

/** Where an SBOM is named does not fit the rules (not under sboms/, an unversioned bucket). Fix the upload or manifest. */
export class SbomLocationInvalid extends ReleaseError {
  override readonly name = 'SbomLocationInvalid';
  readonly retryable = false;
}
