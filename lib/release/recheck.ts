import { opensearchPackageOf, type PackageSettings, packageSettings, type PackagesConfig } from './config';
import { InvalidRelease } from './errors';
import type { ReleaseState } from './request';

/**
 * What every step after Prepare relies on, checked again when the step runs instead of trusted from
 * its input: a Lambda can be invoked directly, with any state, by whoever may invoke it. The stack's
 * configuration now is the reference (PACKAGES_CONFIG, ARTIFACT_BUCKET), as for Prepare.
 */
export interface StackFacts {
  config: PackagesConfig;
  /** The stack's artifact bucket: the only bucket a release reads from. */
  artifactBucket?: string;
}

/** Refuses an artifact outside the stack's artifact bucket (Prepare, the trigger and every step). */
export function checkArtifactBucket(bucket: string, artifactBucket: string | undefined): void {
  if (artifactBucket && bucket !== artifactBucket) {
    throw new InvalidRelease(`artifact is in bucket "${bucket}"; releases read from the stack's artifact bucket "${artifactBucket}"`, 'artifact.bucket');
  }
}

/**
 * The package is configured, the artifact is in the stack's bucket and the OpenSearch package is the
 * configured one; returns the package's settings now. InvalidRelease otherwise, before any AWS call.
 */
export function recheckRelease(state: ReleaseState, stack: StackFacts, step: string): PackageSettings {
  try {
    const settings = packageSettings(stack.config, state.packageName);
    checkArtifactBucket(state.artifact.bucket, stack.artifactBucket);
    const configured = opensearchPackageOf(state.packageName, settings);
    if (state.opensearch.packageName !== configured) {
      throw new InvalidRelease(`OpenSearch package "${state.opensearch.packageName}" is not the one configured for ${state.packageName} ("${configured}")`, 'opensearch.packageName');
    }
    return settings;
  } catch (e) {
    if (e instanceof InvalidRelease) {
      // The message names the field already.
      throw new InvalidRelease(`${step} refuses its input: ${e.message}; nothing was changed. Start a new execution from the release request`);
    }
    throw e;
  }
}

/** Whether the package's configuration requires approval now: what the ApprovalRequired? gate reads. */
export function approvalRequiredNow(settings: PackageSettings): boolean {
  return settings.requireApproval === true;
}
