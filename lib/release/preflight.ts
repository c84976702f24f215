import { packageSettings, type PackagesConfig } from './config';
import { OPENSEARCH } from './constraints';
import { InvalidRelease } from './errors';
import { parseReleaseKey } from './key-convention';
import { validateReleaseFields } from './validate';

/**
 * The checks Prepare makes, run before an upload (`pkgrelease validate`, `pkgrelease local
 * publish`): the key convention, the names, the package's configuration and the fields Prepare
 * validates — through the same functions — plus what only the bytes can tell: an empty artifact,
 * or one whose kind does not fit the OpenSearch package type.
 */
export interface PreflightInput {
  /** Object key under releases/ the artifact is (or will be) uploaded under; absent for a manifest release (builds/). */
  key?: string;
  packageName: string;
  versionName: string;
  sizeBytes: number;
  fileName?: string;
  config: PackagesConfig;
  /** OpenSearch package type, when known (`--type`, or the existing package's). */
  opensearchType?: string;
}

export interface PreflightResult {
  opensearchPackage: string;
}

export function preflightRelease(p: PreflightInput): PreflightResult {
  const fromKey = p.key === undefined ? undefined : parseReleaseKey(p.key);
  if (fromKey && (fromKey.packageName !== p.packageName || fromKey.versionName !== p.versionName)) {
    throw new InvalidRelease(
      `key "${p.key}" names ${fromKey.packageName}@${fromKey.versionName}, not ${p.packageName}@${p.versionName}; the key decides what is released`,
      'artifact.key',
    );
  }
  const settings = packageSettings(p.config, p.packageName);
  const opensearchPackage = settings.opensearchPackage ?? p.packageName;
  validateReleaseFields({ packageName: p.packageName, versionName: p.versionName, description: settings.description, tags: settings.tags, opensearchPackage });
  if (p.sizeBytes === 0) {
    throw new InvalidRelease('the artifact is empty (0 bytes): OpenSearch would import nothing; check the build output', 'artifact');
  }
  if (p.opensearchType !== undefined && p.fileName !== undefined) checkType(p.opensearchType, p.fileName);
  return { opensearchPackage };
}

/** A ZIP-PLUGIN package takes a .zip; the text types take anything else. */
function checkType(type: string, fileName: string): void {
  if (!(OPENSEARCH.packageTypes as readonly string[]).includes(type)) {
    throw new InvalidRelease(`OpenSearch package type "${type}" is not one of ${OPENSEARCH.packageTypes.join(', ')}`, 'opensearchType');
  }
  const zip = fileName.toLowerCase().endsWith('.zip');
  if (type === 'ZIP-PLUGIN' && !zip) throw new InvalidRelease(`${fileName} is not a .zip; a ZIP-PLUGIN package takes a zip file`, 'opensearchType');
  if (type !== 'ZIP-PLUGIN' && zip) throw new InvalidRelease(`${fileName} is a .zip; a ${type} package takes a text file (use ZIP-PLUGIN for plugins)`, 'opensearchType');
}
