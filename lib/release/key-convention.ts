import { InvalidRelease } from './errors';

/**
 * The documented key convention for artifact uploads: `releases/<package>/<version>/<file>`.
 * Mapping an upload to a release needs no code: the key names the package and version.
 */
export const RELEASES_PREFIX = 'releases/';
/** Where a build that releases through a manifest (CodePipeline) puts artifacts: no S3 trigger there. */
export const BUILDS_PREFIX = 'builds/';
/** The only prefixes the pipeline reads artifacts from (its IAM grants match). */
export const ARTIFACT_PREFIXES = [RELEASES_PREFIX, BUILDS_PREFIX] as const;
export const KEY_CONVENTION = 'releases/<package>/<version>/<file>';

export interface ReleaseKey {
  packageName: string;
  versionName: string;
  fileName: string;
}

export function parseReleaseKey(key: string): ReleaseKey {
  const parts = key.split('/');
  if (parts.length !== 4 || `${parts[0]}/` !== RELEASES_PREFIX || parts.some((p) => p === '')) {
    throw new InvalidRelease(
      `key "${key}" does not follow the key convention ${KEY_CONVENTION}; upload the artifact under that key or start the release with a manifest`,
      'artifact.key',
    );
  }
  const [, packageName, versionName, fileName] = parts as [string, string, string, string];
  return { packageName, versionName, fileName };
}

export function releaseKey(packageName: string, versionName: string, fileName: string): string {
  return `${RELEASES_PREFIX}${packageName}/${versionName}/${fileName}`;
}

/**
 * S3 event notifications carry keys form-URL-encoded (`my file+1.bin` arrives as `my+file%2B1.bin`).
 * We assume the EventBridge "Object Created" shape encodes the same way and decode both.
 */
export function decodeEventKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    throw new InvalidRelease(`key "${encoded}" is not valid URL encoding`, 'artifact.key');
  }
}
