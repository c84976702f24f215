import { InvalidRelease } from './errors';

/**
 * The documented key convention for artifact uploads: `releases/<package>/<version>/<file>`.
 * Mapping an upload to a release needs no code: the key names the package and version.
 */
export const RELEASES_PREFIX = 'releases/';
/** Where a build that releases through a manifest (CodePipeline) puts artifacts: no S3 trigger there. */
export const BUILDS_PREFIX = 'builds/';
export const KEY_CONVENTION = 'releases/<package>/<version>/<file>';

export interface ReleaseKey {
  packageName: string;
  versionName: string;
  fileName: string;
}

export function parseReleaseKey(key: string): ReleaseKey {
  refuseDotSegments(key);
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

/**
 * A manifest's artifact must sit under its own release: `builds/<package>/<version>/<file…>`, or
 * the key convention `releases/<package>/<version>/<file>` of the same package and version, so a
 * request cannot release one package's bytes as another's.
 */
export function checkArtifactKey(key: string, packageName: string, versionName: string): void {
  refuseDotSegments(key);
  if (key.startsWith(RELEASES_PREFIX)) {
    const named = parseReleaseKey(key);
    if (named.packageName === packageName && named.versionName === versionName) return;
  } else if (key.startsWith(BUILDS_PREFIX)) {
    const [, p, v, ...file] = key.split('/');
    if (p === packageName && v === versionName && file.length > 0 && file.every((s) => s !== '')) return;
  }
  throw new InvalidRelease(
    `artifact key "${key}" must be ${BUILDS_PREFIX}${packageName}/${versionName}/<file> (or ${releaseKey(packageName, versionName, '<file>')}); ` +
      'put the artifact under its own package and version',
    'artifact.key',
  );
}

/** `.` and `..` segments mean other keys to path-minded tools (and to people): never accept them. */
function refuseDotSegments(key: string): void {
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new InvalidRelease(`key "${key}" has a "." or ".." segment; use a key without them`, 'artifact.key');
  }
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
