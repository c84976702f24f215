import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  S3Client,
  UploadPartCopyCommand,
  type UploadPartCopyCommandInput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { COPY_OBJECT_MAX_BYTES, copyArtifactVersion, partRanges } from '../../lib/release/staging-copy';

/** The OpenSearch staging copy above CopyObject's single-request limit: sizes only, no bytes. */
const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1' });
const GiB = 1024 ** 3;
const from = { bucket: 'artifacts', key: 'releases/fw/2.0.0/fw image.bin', version: 'v-17', etag: 'abc123-9' };
const to = { bucket: 'artifacts', key: 'staging/fw/2.0.0/0123456789abcdef/fw image.bin' };

beforeEach(() => {
  s3.reset();
  s3.on(CopyObjectCommand).resolves({ VersionId: 'copied-1' });
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
  s3.on(UploadPartCopyCommand).callsFake((input: UploadPartCopyCommandInput) => ({ CopyPartResult: { ETag: `"part-${input.PartNumber}"` } }));
  s3.on(CompleteMultipartUploadCommand).resolves({ VersionId: 'multipart-1' });
  s3.on(AbortMultipartUploadCommand).resolves({});
});

describe('copyArtifactVersion', () => {
  it('up to 5 GiB: one CopyObject of the pinned version, checked by ETag; no multipart call', async () => {
    expect(await copyArtifactVersion(client, { ...from, size: COPY_OBJECT_MAX_BYTES }, to)).toBe('copied-1');
    expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input).toMatchObject({ CopySource: 'artifacts/releases/fw/2.0.0/fw%20image.bin?versionId=v-17', CopySourceIfMatch: '"abc123-9"', Key: to.key });
    expect(s3.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
  });

  it('above 5 GiB (12 GiB): a multipart copy — contiguous UploadPartCopy ranges of the pinned version covering every byte, completed in part order; no CopyObject', async () => {
    const size = 12 * GiB + 123;
    expect(await copyArtifactVersion(client, { ...from, size }, to)).toBe('multipart-1');
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input).toMatchObject({ Bucket: to.bucket, Key: to.key, ServerSideEncryption: 'AES256' });

    const parts = s3
      .commandCalls(UploadPartCopyCommand)
      .map((c) => c.args[0].input)
      .sort((a, b) => a.PartNumber! - b.PartNumber!);
    expect(parts.length).toBeGreaterThan(1);
    let next = 0;
    for (const [i, p] of parts.entries()) {
      expect(p).toMatchObject({ PartNumber: i + 1, UploadId: 'up-1', CopySource: 'artifacts/releases/fw/2.0.0/fw%20image.bin?versionId=v-17', CopySourceIfMatch: '"abc123-9"' });
      const [first, last] = /^bytes=(\d+)-(\d+)$/.exec(p.CopySourceRange!)!.slice(1).map(Number) as [number, number];
      expect(first).toBe(next);
      // S3: every part but the last at least 5 MiB, none over 5 GiB.
      expect(last - first + 1).toBeLessThanOrEqual(5 * GiB);
      if (i < parts.length - 1) expect(last - first + 1).toBeGreaterThanOrEqual(5 * 1024 ** 2);
      next = last + 1;
    }
    expect(next).toBe(size);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input.MultipartUpload!.Parts).toEqual(parts.map((p) => ({ PartNumber: p.PartNumber, ETag: `"part-${p.PartNumber}"` })));
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(0);
  });

  it('a part that fails (the source changed: PreconditionFailed): the upload is aborted after every started part settled, nothing completed, the error surfaces', async () => {
    const failure = Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed' });
    s3.on(UploadPartCopyCommand, { PartNumber: 2 }).rejects(failure);
    await expect(copyArtifactVersion(client, { ...from, size: 100 * GiB }, to)).rejects.toThrow(/pre-conditions/);
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0]!.args[0].input).toEqual({ Bucket: to.bucket, Key: to.key, UploadId: 'up-1' });
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    // Parts queued behind the failure were never sent.
    expect(s3.commandCalls(UploadPartCopyCommand).length).toBeLessThan(partRanges(100 * GiB).length);
  });

  it('partRanges: at most 10,000 parts even for S3\'s largest object (5 TiB)', () => {
    const ranges = partRanges(5 * 1024 * GiB);
    expect(ranges.length).toBeLessThanOrEqual(10_000);
    expect(ranges.at(-1)!.last).toBe(5 * 1024 * GiB - 1);
  });
});
