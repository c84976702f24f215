import type { S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  type CopySourceVersion,
  copyObjectVersion,
  createMultipartUpload,
  uploadPartCopy,
} from '../clients/s3';

/**
 * The immutable copy of one pinned artifact version that OpenSearch imports (PackageSource has no
 * version field). CopyObject copies at most 5 GB in one request; above that S3 requires a
 * multipart upload whose parts are UploadPartCopy ranges of the source. OpenSearch documents no
 * size limit for a custom package (its quotas name only 25 per Region and 20 per domain), so large
 * artifacts are copied, not refused.
 */

/** S3's single-request CopyObject limit ("up to 5 GB"; 5 GiB as S3 counts it). */
export const COPY_OBJECT_MAX_BYTES = 5 * 1024 ** 3;
/** S3's multipart limits: at most 10,000 parts, each at most 5 GiB. */
const MAX_PARTS = 10_000;
const MiB = 1024 ** 2;
/** Large enough that a 5 TB object fits in 10,000 parts at the least; small enough for parallel copies. */
const MIN_PART_BYTES = 512 * MiB;
/** Parts copied at once: S3 copies server-side, the Lambda only waits. */
const PART_CONCURRENCY = 8;

export interface PartRange {
  partNumber: number;
  first: number;
  last: number;
}

/** The byte ranges of a multipart copy of `size` bytes: contiguous, inclusive, whole MiB parts but the last. */
export function partRanges(size: number): PartRange[] {
  const partBytes = Math.max(MIN_PART_BYTES, Math.ceil(size / MAX_PARTS / MiB) * MiB);
  const ranges: PartRange[] = [];
  for (let first = 0, partNumber = 1; first < size; first += partBytes, partNumber++) {
    ranges.push({ partNumber, first, last: Math.min(size, first + partBytes) - 1 });
  }
  return ranges;
}

/**
 * Copies exactly the pinned version (every request checks its ETag) to `to`: one CopyObject up to
 * 5 GiB, a multipart copy above. A failed multipart copy is aborted, so no parts are left behind.
 */
export async function copyArtifactVersion(s3: S3Client, from: CopySourceVersion & { size?: number }, to: { bucket: string; key: string }): Promise<string | undefined> {
  // Prepare pins the size with the version (HeadObject); a request without one is copied in one go.
  const size = from.size;
  if (size === undefined || size <= COPY_OBJECT_MAX_BYTES) return copyObjectVersion(s3, from, to);

  const upload = { ...to, uploadId: await createMultipartUpload(s3, to) };
  const limit = pLimit({ concurrency: PART_CONCURRENCY, rejectOnClear: true });
  const copied = await Promise.allSettled(
    partRanges(size).map((range) =>
      limit(async () => {
        const etag = await uploadPartCopy(s3, from, upload, range).catch((e: unknown) => {
          // The first failure ends the copy: queued parts are not started.
          limit.clearQueue();
          throw e;
        });
        return { PartNumber: range.partNumber, ETag: etag };
      }),
    ),
  );
  const rejected = copied.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  // The parts that were never started reject with AbortError: report the failure that caused it.
  const failed = rejected.find((r) => (r.reason as Error | undefined)?.name !== 'AbortError') ?? rejected[0];
  if (failed) {
    // Every part has settled (none in flight), so the abort leaves no part behind.
    await abortMultipartUpload(s3, upload).catch(() => undefined);
    throw failed.reason;
  }
  try {
    return await completeMultipartUpload(s3, upload, copied.map((r) => (r as PromiseFulfilledResult<{ PartNumber: number; ETag: string }>).value));
  } catch (e) {
    await abortMultipartUpload(s3, upload).catch(() => undefined);
    throw e;
  }
}
