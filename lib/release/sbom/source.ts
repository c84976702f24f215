/**
 * Where a release's SBOM comes from, needing no code change (docs/sbom.md), first match wins:
 *   1. the manifest field `sbom: { key, versionId? }` (CodePipeline),
 *   2. the artifact's object metadata `x-amz-meta-sbom: <key>`,
 *   3. the convention `sboms/<package>/<version>/sbom.zip`.
 * Always in the artifact's bucket (versioned, the stack's region) and under `sboms/`, the only
 * prefix the bucket policy lets AWS IoT read.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { headObject } from '../../clients/s3';
import * as z from '../../validation/zod';
import { SbomLocationInvalid } from './errors';
import { conventionalSbomKey } from './settings';

export const SBOMS_PREFIX = 'sboms/';
/** The artifact's user metadata key (`x-amz-meta-sbom`) that names its SBOM's key. */
export const SBOM_METADATA_KEY = 'sbom';

/** What a manifest or Prepare records: the SBOM's key and, optionally, the exact S3 version. */
export const SbomRefSchema = z.strictObject({
  key: z.string().check(z.minLength(1)),
  versionId: z.optional(z.string().check(z.minLength(1))),
});
/** The release request's `sbom`: a manifest's or the metadata's reference, and which it was. */
export const ReleaseSbomSchema = z.extend(SbomRefSchema, { from: z.optional(z.enum(['manifest', 'metadata'])) });
export type SbomRef = z.infer<typeof ReleaseSbomSchema>;

export interface PinnedSbom {
  bucket: string;
  key: string;
  version: string;
  from: 'manifest' | 'metadata' | 'convention';
}

/** The SBOM Prepare records for a release: the manifest's, else the one the artifact's metadata names. */
export function sbomRefOf(manifestSbom: SbomRef | undefined, metadata: Record<string, string>): SbomRef | undefined {
  if (manifestSbom) return { from: 'manifest', ...manifestSbom };
  const key = metadata[SBOM_METADATA_KEY];
  return key ? { key, from: 'metadata' } : undefined;
}

/**
 * Pins the release's SBOM to one S3 object version: the named version, else the key's newest
 * version (so a corrected upload is what the next look finds). Undefined when it is not there (yet).
 */
export async function pinSbom(s3: S3Client, release: { packageName: string; versionName: string; artifact: { bucket: string }; sbom?: SbomRef }): Promise<PinnedSbom | undefined> {
  const ref = release.sbom ?? { key: conventionalSbomKey(release.packageName, release.versionName) };
  const from = release.sbom?.from ?? (release.sbom ? 'manifest' : 'convention');
  checkSbomKey(ref.key, from);
  const bucket = release.artifact.bucket;
  const head = await headObject(s3, bucket, ref.key, ref.versionId);
  if (!head) return undefined;
  if (!head.VersionId || head.VersionId === 'null') {
    throw new SbomLocationInvalid(`s3://${bucket}/${ref.key} has no S3 version id: the artifact bucket must be versioned so that the SBOM attached is exactly the one uploaded; enable versioning and upload it again`);
  }
  return { bucket, key: ref.key, version: head.VersionId, from };
}

function checkSbomKey(key: string, from: string): void {
  const segments = key.split('/');
  if (!key.startsWith(SBOMS_PREFIX) || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new SbomLocationInvalid(
      `the SBOM key "${key}" (from the ${from}) must be under ${SBOMS_PREFIX} without empty, "." or ".." segments ` +
        `(e.g. ${conventionalSbomKey('<package>', '<version>')}): AWS IoT may read only that prefix of the artifact bucket`,
    );
  }
}
