/**
 * The shapes of the twin's S3 data: object versions and delete markers, the options of a write,
 * the JSON form the state directory keeps, and the S3 error every part of the S3 twin raises.
 */
import { createHash } from 'node:crypto';
import { ServiceError } from '../core/http';
import type { ChecksumAlgorithm, ChecksumType } from './checksums';

/** One part of a multipart object: its size and, for checksummed uploads, its base64 checksum. */
export interface ObjectPart {
  readonly size: number;
  readonly checksum?: string;
}

/** The additional checksum an object carries; a COMPOSITE value is stored, a FULL_OBJECT one is computed from the body. */
export interface ObjectChecksum {
  readonly algorithm: ChecksumAlgorithm;
  readonly type: ChecksumType;
  readonly composite?: string;
}

export interface S3ObjectVersion {
  readonly kind: 'object';
  readonly key: string;
  readonly versionId: string;
  readonly body: Buffer;
  /** Quoted: md5 hex of single-part uploads, md5 of the parts' md5s and `-N` for multipart ones. */
  readonly etag: string;
  readonly checksum: ObjectChecksum;
  /** Multipart objects only, in part order. */
  readonly parts?: readonly ObjectPart[];
  readonly size: number;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** `AES256` (SSE-S3, S3's default since 2023) or `aws:kms`. OpenSearch cannot read SSE-KMS objects. */
  readonly serverSideEncryption: string;
  /** Epoch milliseconds. */
  readonly lastModified: number;
}

export interface S3DeleteMarker {
  readonly kind: 'deleteMarker';
  readonly key: string;
  readonly versionId: string;
  readonly lastModified: number;
}

export type S3Entry = S3ObjectVersion | S3DeleteMarker;

export interface ObjectCreatedEvent {
  bucket: string;
  key: string;
  versionId: string;
  etag: string;
  size: number;
  metadata: Record<string, string>;
}

export type ObjectCreatedListener = (event: ObjectCreatedEvent) => void | Promise<void>;

export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
  serverSideEncryption?: string;
  /** The additional checksum to keep; default CRC64NVME, as S3 does for every new object. */
  checksumAlgorithm?: ChecksumAlgorithm;
  /** What CompleteMultipartUpload assembled: the object keeps its parts' ETag and checksums. */
  multipart?: { etag: string; checksum: ObjectChecksum; parts: readonly ObjectPart[] };
}

/** JSON form for the state directory; bodies are stored separately, by sha256. */
export interface S3StateJson {
  prngState: number;
  buckets: {
    name: string;
    createdAt: number;
    entries: (Omit<S3ObjectVersion, 'body'> & { sha256: string } | S3DeleteMarker)[];
  }[];
}

/** Bodies never change once stored, so their hash is computed once (persistence asks often). */
const hashCache = new WeakMap<Buffer, string>();
export function sha256(b: Buffer): string {
  let hash = hashCache.get(b);
  if (!hash) {
    hash = createHash('sha256').update(b).digest('hex');
    hashCache.set(b, hash);
  }
  return hash;
}

export function s3Error(status: number, code: string, message: string, extra: Record<string, string> = {}) {
  return new ServiceError(status, code, message, extra);
}
