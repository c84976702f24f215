import { CreatePackageCommand, type OpenSearchClient } from '@aws-sdk/client-opensearch';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { OPENSEARCH } from '../../lib/release/constraints';
import type { DomainSpec, Twin } from '../twin';
import { DEFAULT_ENGINE_VERSION, LOCAL_BUCKET } from './account';

/**
 * What a person has set up on the OpenSearch side before the first release: custom packages and
 * domains that already run them.
 */
export type OpenSearchPackageType = (typeof OPENSEARCH.packageTypes)[number];

/** Creates an OpenSearch custom package in the twin through its APIs (a session's, or a running serve's). */
export async function createOpenSearchPackage(
  s3: S3Client,
  opensearch: OpenSearchClient,
  name: string,
  type: OpenSearchPackageType,
  initialContent: string | Buffer,
  engineVersion = DEFAULT_ENGINE_VERSION,
): Promise<void> {
  const key = `opensearch-init/${name}`;
  await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: key, Body: initialContent }));
  await opensearch.send(
    new CreatePackageCommand({
      PackageName: name,
      PackageType: type,
      PackageSource: { S3BucketName: LOCAL_BUCKET, S3Key: key },
      // AWS requires an engine version for plugins and refuses one for every other type.
      ...(type === 'ZIP-PLUGIN' && { EngineVersion: engineVersion }),
    }),
  );
}

/**
 * Creates an OpenSearch domain (once per name) that already runs `packages` (OpenSearch package
 * names, waited for until AVAILABLE).
 */
export async function createDomainRunning(twin: Twin, spec: Partial<DomainSpec> & { name: string; packages?: string[] }): Promise<void> {
  if (twin.catalog().domains[spec.name]) return;
  const packages = spec.packages ?? [];
  const deadline = Date.now() + 30_000;
  while (!packages.every((p) => twin.catalog().opensearch[p]?.status === 'AVAILABLE')) {
    if (Date.now() > deadline) throw new Error(`domain ${spec.name}: OpenSearch packages ${packages.join(', ')} did not become AVAILABLE`);
    await new Promise((r) => setTimeout(r, 5));
  }
  twin.createDomain({ name: spec.name, engineVersion: spec.engineVersion ?? DEFAULT_ENGINE_VERSION }, packages);
}
