import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';

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

/** One pinned object version as a CopySource: exactly that version, and only while its ETag is still `etag`. */
export interface CopySourceVersion {
  bucket: string;
  key: string;
  version?: string;
  etag: string;
}

function copySource(from: CopySourceVersion): string {
  return `${from.bucket}/${encodeURIComponent(from.key).replace(/%2F/g, '/')}${from.version ? `?versionId=${encodeURIComponent(from.version)}` : ''}`;
}

/** Copies exactly one version (checked by ETag) of an object to another key in one request (≤ 5 GB); returns the new version id. */
export async function copyObjectVersion(s3: S3Client, from: CopySourceVersion, to: { bucket: string; key: string }): Promise<string | undefined> {
  const out = await s3.send(
    new CopyObjectCommand({
      Bucket: to.bucket,
      Key: to.key,
      CopySource: copySource(from),
      CopySourceIfMatch: `"${from.etag}"`,
      ServerSideEncryption: 'AES256',
      MetadataDirective: 'COPY',
    }),
  );
  return out.VersionId;
}

/** Starts a multipart upload (encrypted like the single-request copy); returns its UploadId. */
export async function createMultipartUpload(s3: S3Client, to: { bucket: string; key: string }): Promise<string> {
  const out = await s3.send(new CreateMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, ServerSideEncryption: 'AES256' }));
  if (!out.UploadId) throw new Error(`CreateMultipartUpload for s3://${to.bucket}/${to.key} returned no UploadId`);
  return out.UploadId;
}

/** Copies bytes [first, last] of one pinned version (checked by ETag) into part `partNumber`; returns the part's ETag. */
export async function uploadPartCopy(
  s3: S3Client,
  from: CopySourceVersion,
  to: { bucket: string; key: string; uploadId: string },
  part: { partNumber: number; first: number; last: number },
): Promise<string> {
  const out = await s3.send(
    new UploadPartCopyCommand({
      Bucket: to.bucket,
      Key: to.key,
      UploadId: to.uploadId,
      PartNumber: part.partNumber,
      CopySource: copySource(from),
      CopySourceIfMatch: `"${from.etag}"`,
      CopySourceRange: `bytes=${part.first}-${part.last}`,
    }),
  );
  const etag = out.CopyPartResult?.ETag;
  if (!etag) throw new Error(`UploadPartCopy part ${part.partNumber} of s3://${to.bucket}/${to.key} returned no ETag`);
  return etag;
}

/** Completes a multipart upload from its parts (in part-number order); returns the new version id. */
export async function completeMultipartUpload(s3: S3Client, to: { bucket: string; key: string; uploadId: string }, parts: { PartNumber: number; ETag: string }[]): Promise<string | undefined> {
  const out = await s3.send(new CompleteMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId: to.uploadId, MultipartUpload: { Parts: parts } }));
  return out.VersionId;
}

/** Abandons a multipart upload, so that its parts are not kept (and billed). */
export async function abortMultipartUpload(s3: S3Client, to: { bucket: string; key: string; uploadId: string }): Promise<void> {
  await s3.send(new AbortMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId: to.uploadId }));
}

/** The body of one object version, as a stream. */
export async function getObjectStream(s3: S3Client, bucket: string, key: string, versionId?: string): Promise<AsyncIterable<Uint8Array>> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  return out.Body as AsyncIterable<Uint8Array>;
}

export interface ObjectPart {
  partNumber: number;
  size: number;
  /** The part's checksum of the object's algorithm (base64), when the upload had one. */
  checksum?: string;
}

/**
 * The parts of one multipart object version with their sizes and checksums (GetObjectAttributes,
 * every page); undefined when S3 lists none (a single-part object).
 */
export async function getObjectParts(s3: S3Client, ref: { bucket: string; key: string; version?: string }, algorithm: string): Promise<ObjectPart[] | undefined> {
  const parts: ObjectPart[] = [];
  let marker: string | undefined;
  for (;;) {
    const out = await s3.send(new GetObjectAttributesCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.version, ObjectAttributes: ['ObjectParts'], MaxParts: 1000, PartNumberMarker: marker }));
    const page = out.ObjectParts;
    if (!page?.Parts?.length) return parts.length ? parts : undefined;
    for (const p of page.Parts) parts.push({ partNumber: p.PartNumber ?? 0, size: p.Size ?? 0, checksum: (p as Record<string, unknown>)[`Checksum${algorithm}`] as string | undefined });
    if (!page.IsTruncated || page.NextPartNumberMarker === undefined) return parts;
    marker = page.NextPartNumberMarker;
  }
}
