import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { headObject } from '../../lib/clients/s3';
import { ArtifactNotFound } from '../../lib/release/errors';
import { BUILDS_PREFIX, parseReleaseKey, releaseKey } from '../../lib/release/key-convention';
import { preflightRelease } from '../../lib/release/preflight';
import { UsageError } from '../errors';
import { configSource, readConfig } from '../local/config';
import { operatorClients } from './clients';
import { parseS3Uri } from '../../lib/operations/start';

/**
 * `pkgrelease validate <file|s3-uri>`: Prepare's checks before an upload (lib/release/preflight.ts,
 * which calls the same validation Prepare does). Exit code 0: Prepare would accept it; 1: it would not.
 */
export interface ValidateOptions {
  package?: string;
  version?: string;
  config?: string;
  type?: string;
  region?: string;
  profile?: string;
}

interface Artifact {
  where: string;
  /** Absent for a local file: it would be uploaded under the key convention. */
  bucket?: string;
  key?: string;
  fileName: string;
  sizeBytes: number;
}

export async function validate(target: string, opts: ValidateOptions): Promise<void> {
  const artifact = target.startsWith('s3://') ? await s3Artifact(target, opts) : localArtifact(target);
  const fromKey = artifact.key && !artifact.key.startsWith(BUILDS_PREFIX) ? parseReleaseKey(artifact.key) : undefined;
  const packageName = opts.package ?? fromKey?.packageName;
  const versionName = opts.version ?? fromKey?.versionName;
  if (!packageName || !versionName) throw new UsageError('say what it releases: --package <name> and --version <name>');
  const source = configSource('.', opts.config);
  if (source.extendable) throw new UsageError('no config/packages.json here: run in the project, or pass --config <file>');
  const config = readConfig(source);
  const key = artifact.key ?? releaseKey(packageName, versionName, artifact.fileName);
  const { opensearchPackage } = preflightRelease({ bucket: artifact.bucket, key, packageName, versionName, sizeBytes: artifact.sizeBytes, config, opensearchType: opts.type });
  console.log(`ok: ${artifact.where} releases ${packageName}@${versionName} (${artifact.sizeBytes} bytes) into OpenSearch package ${opensearchPackage}${artifact.key ? '' : ` when uploaded as ${key}`}`);
}

function localArtifact(file: string): Artifact {
  const stat = statSync(file);
  if (!stat.isFile()) throw new UsageError(`${file} is not a file`);
  const fileName = basename(file);
  return { where: file, fileName, sizeBytes: stat.size };
}

async function s3Artifact(uri: string, opts: ValidateOptions): Promise<Artifact> {
  const { bucket, key } = parseS3Uri(uri);
  const head = await headObject(operatorClients({ region: opts.region, profile: opts.profile }).s3(), bucket, key);
  if (!head) throw new ArtifactNotFound(`${uri} does not exist; check the bucket and key (not URL-encoded)`);
  return { where: uri, bucket, key, fileName: key.split('/').pop()!, sizeBytes: head.ContentLength ?? 0 };
}
