import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';

/** One helper per S3 call the release makes. */

/**
 * HeadObject of a key (optionally one version), with its full-object checksum; undefined when the
 * key or version does not exist.
 */
export async function headObject(s3: S3Client, bucket: string, key: string, versionId?: string): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, ChecksumMode: 'ENABLED' }));
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    // HeadObject has no body, so a missing key/version only shows as a 404 (or 400 for a malformed version id).
    if (err.name === 'NotFound' || err.name === 'NoSuchKey' || err.name === 'NoSuchVersion') return undefined;
    if (versionId && err.$metadata?.httpStatusCode === 400) return undefined;
    throw e;
  }
}

/** Copies exactly one version (checked by ETag) of an object to another key; returns the new version id. */
export async function copyObjectVersion(
  s3: S3Client,
  from: { bucket: string; key: string; version?: string; etag: string },
  to: { bucket: string; key: string },
): Promise<string | undefined> {
  const source = `${from.bucket}/${encodeURIComponent(from.key).replace(/%2F/g, '/')}` + (from.version ? `?versionId=${encodeURIComponent(from.version)}` : '');
  const out = await s3.send(
    new CopyObjectCommand({
      Bucket: to.bucket,
      Key: to.key,
      CopySource: source,
      CopySourceIfMatch: `"${from.etag}"`,
      ServerSideEncryption: 'AES256',
      MetadataDirective: 'COPY',
    }),
  );
  return out.VersionId;
}

/** The body of one object version, as a stream. */
export async function getObjectStream(s3: S3Client, bucket: string, key: string, versionId?: string): Promise<AsyncIterable<Uint8Array>> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  return out.Body as AsyncIterable<Uint8Array>;
}
