import { admitDraft } from './admit';
import type { PackagesConfig } from './config';
import { OPENSEARCH } from './constraints';
import { InvalidRelease } from './errors';

/**
 * The checks Prepare makes, run before an upload (`pkgrelease validate`, `pkgrelease local
 * publish`): the same admission the trigger and Prepare run (names, configuration, key, fields),
 * plus what only the bytes can tell — an empty artifact, or one whose kind does not fit the
 * OpenSearch package type.
 */
export interface PreflightInput {
  /** Where it is, for an object already in S3 (no bucket is required of an upload still to come). */
  bucket?: string;
  /** Object key the artifact is (or will be) uploaded under: releases/… or builds/…. */
  key: string;
  packageName: string;
  versionName: string;
  sizeBytes: number;
  config: PackagesConfig;
  /** OpenSearch package type, when known (`--type`). */
  opensearchType?: string;
}

export interface PreflightResult {
  opensearchPackage: string;
}

export function preflightRelease(p: PreflightInput): PreflightResult {
  const { opensearchPackage } = admitDraft(
    { source: 'request', packageName: p.packageName, versionName: p.versionName, artifact: { bucket: p.bucket ?? '', key: p.key } },
    { config: p.config },
  );
  if (p.sizeBytes === 0) {
    throw new InvalidRelease('the artifact is empty (0 bytes): OpenSearch would import nothing; check the build output', 'artifact');
  }
  if (p.opensearchType !== undefined) checkType(p.opensearchType, p.key.split('/').pop() ?? p.key);
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
