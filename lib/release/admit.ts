import { opensearchPackageOf, packageSettings, type PackageSettings, type PackagesConfig } from './config';
import type { DefaultVersionPolicy } from './default-version-policy';
import { InvalidRelease } from './errors';
import type { ReleaseDraft } from './request';
import { checkArtifactKey } from './key-convention';
import { checkArtifactBucket } from './recheck';
import { validateNames, validateReleaseFields } from './validate';

/**
 * Everything that can be checked about a release without AWS: names, configuration, where the
 * artifact lives, the field constraints. The trigger runs it before StartExecution (so a refused
 * upload starts nothing) and Prepare before it reads S3; both refuse with InvalidRelease.
 */
export interface Admission {
  settings: PackageSettings;
  /** From config/packages.json only. */
  opensearchPackage: string;
  /** From config/packages.json only. */
  defaultVersionPolicy: DefaultVersionPolicy;
}

export interface AdmitDeps {
  config: PackagesConfig;
  /** When set, artifacts must live in this bucket (the stack's artifact bucket). */
  artifactBucket?: string;
}

export function admitDraft(draft: ReleaseDraft, deps: AdmitDeps): Admission {
  // The names come first: everything else (configuration, keys) is keyed on them.
  validateNames(draft.packageName, draft.versionName);
  const settings = packageSettings(deps.config, draft.packageName);
  const opensearchPackage = configuredOnly('opensearchPackage', draft.opensearchPackage, opensearchPackageOf(draft.packageName, settings));
  const defaultVersionPolicy = configuredOnly('defaultVersionPolicy', draft.defaultVersionPolicy, settings.defaultVersionPolicy ?? 'if-newer');

  checkArtifactBucket(draft.artifact.bucket, deps.artifactBucket);
  // An S3 event's key was mapped by the key convention itself; a request names its key.
  if (draft.source !== 's3-event') checkArtifactKey(draft.artifact.key, draft.packageName, draft.versionName);
  validateReleaseFields({ ...draft, opensearchPackage });
  return { settings, opensearchPackage, defaultVersionPolicy };
}

/**
 * Which OpenSearch package a release overwrites, and whether the default may move backwards, are
 * the operators' decision (config/packages.json), not the caller's: a request may repeat the
 * configured value, never change it.
 */
function configuredOnly<T extends string>(field: 'opensearchPackage' | 'defaultVersionPolicy', requested: T | undefined, configured: T): T {
  if (requested !== undefined && requested !== configured) {
    throw new InvalidRelease(
      `"${requested}" differs from the configured "${configured}"; ${field} comes from config/packages.json only: omit it from the request, or change the configuration`,
      field,
    );
  }
  return configured;
}
