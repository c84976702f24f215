import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { clientConfig, startTwin, type ObjectCreatedEvent, type Twin } from '../../local/twin';
import { clients, failure } from './helpers';

let twin: Twin;
let s3: S3Client;
const events: ObjectCreatedEvent[] = [];

beforeAll(async () => {
  twin = await startTwin({ seed: 3 });
  s3 = clients(twin).s3;
  twin.s3.onObjectCreated((e) => void events.push(e));
  await s3.send(new CreateBucketCommand({ Bucket: 'artifacts' }));
});
afterAll(async () => {
  s3.destroy();
  await twin.close();
});

const text = async (body: { transformToString(): Promise<string> } | undefined) => body!.transformToString();
const md5 = (s: string) => `"${createHash('md5').update(s).digest('hex')}"`;

describe('S3 stand-in: buckets', () => {
  it('HeadBucket: 200 for a bucket, 404 otherwise; CreateBucket twice → BucketAlreadyOwnedByYou', async () => {
    await s3.send(new HeadBucketCommand({ Bucket: 'artifacts' }));
    const e = await failure(s3.send(new HeadBucketCommand({ Bucket: 'nope' })));
    expect(e.$metadata.httpStatusCode).toBe(404);
    const again = await failure(s3.send(new CreateBucketCommand({ Bucket: 'artifacts' })));
    expect([again.name, again.$metadata.httpStatusCode]).toEqual(['BucketAlreadyOwnedByYou', 409]);
    const missing = await failure(s3.send(new PutObjectCommand({ Bucket: 'nope', Key: 'k', Body: 'x' })));
    expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(['NoSuchBucket', 404]);
  });
});

describe('S3 stand-in: versioned objects', () => {
  const key = 'releases/fw/1.0.0/fw image+1.bin';
  let v1: string;
  let v2: string;

  it('two puts → two version ids; metadata, content type and ETag round-trip', async () => {
    const first = await s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: key, Body: 'one', ContentType: 'application/x-fw', Metadata: { release: '1.0.0' } }));
    const second = await s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: key, Body: 'two', Metadata: { release: '1.0.1' } }));
    v1 = first.VersionId!;
    v2 = second.VersionId!;
    expect(v1).toMatch(/^[A-Za-z0-9._]{32}$/);
    expect(v2).not.toBe(v1);
    expect(first.ETag).toBe(md5('one'));

    const latest = await s3.send(new GetObjectCommand({ Bucket: 'artifacts', Key: key }));
    expect(await text(latest.Body)).toBe('two');
    expect([latest.VersionId, latest.ETag, latest.Metadata, latest.ContentLength]).toEqual([v2, md5('two'), { release: '1.0.1' }, 3]);
    expect(latest.LastModified).toBeInstanceOf(Date);

    const old = await s3.send(new GetObjectCommand({ Bucket: 'artifacts', Key: key, VersionId: v1 }));
    expect(await text(old.Body)).toBe('one');
    expect([old.ContentType, old.Metadata]).toEqual(['application/x-fw', { release: '1.0.0' }]);

    const head = await s3.send(new HeadObjectCommand({ Bucket: 'artifacts', Key: key, VersionId: v1 }));
    expect([head.ContentLength, head.VersionId, head.ETag, head.Metadata]).toEqual([3, v1, md5('one'), { release: '1.0.0' }]);
  });

  it('missing key / version / head → NoSuchKey, NoSuchVersion, bare 404', async () => {
    const noKey = await failure(s3.send(new GetObjectCommand({ Bucket: 'artifacts', Key: 'nope' })));
    expect([noKey.name, noKey.$metadata.httpStatusCode]).toEqual(['NoSuchKey', 404]);
    const noVersion = await failure(s3.send(new GetObjectCommand({ Bucket: 'artifacts', Key: key, VersionId: 'x'.repeat(32) })));
    expect([noVersion.name, noVersion.$metadata.httpStatusCode]).toEqual(['NoSuchVersion', 404]);
    const head = await failure(s3.send(new HeadObjectCommand({ Bucket: 'artifacts', Key: 'nope' })));
    expect([head.name, head.$metadata.httpStatusCode]).toEqual(['NotFound', 404]);
  });

  it('CopyObject copies a specific (old) version of a URL-encoded key', async () => {
    const copy = await s3.send(
      new CopyObjectCommand({ Bucket: 'artifacts', Key: 'staging/fw.bin', CopySource: `artifacts/${encodeURIComponent(key)}?versionId=${v1}`, ServerSideEncryption: 'AES256' }),
    );
    expect(copy.CopySourceVersionId).toBe(v1);
    expect(copy.VersionId).toBeDefined();
    expect(copy.CopyObjectResult?.ETag).toBe(md5('one'));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'artifacts', Key: 'staging/fw.bin' }));
    expect([await text(got.Body), got.Metadata, got.VersionId]).toEqual(['one', { release: '1.0.0' }, copy.VersionId]);
    const missing = await failure(s3.send(new CopyObjectCommand({ Bucket: 'artifacts', Key: 'x', CopySource: 'artifacts/ghost' })));
    expect(missing.name).toBe('NoSuchKey');
  });

  it('ListObjectsV2 (prefix, delimiter, paging) and ListObjectVersions', async () => {
    for (const k of ['list/a.txt', 'list/b.txt', 'list/sub/c.txt', 'other.txt']) await s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: k, Body: k }));
    const all = await s3.send(new ListObjectsV2Command({ Bucket: 'artifacts', Prefix: 'list/' }));
    expect(all.Contents!.map((o) => o.Key)).toEqual(['list/a.txt', 'list/b.txt', 'list/sub/c.txt']);
    expect(all.Contents![0]).toMatchObject({ Size: 10, ETag: md5('list/a.txt') });

    const grouped = await s3.send(new ListObjectsV2Command({ Bucket: 'artifacts', Prefix: 'list/', Delimiter: '/' }));
    expect(grouped.Contents!.map((o) => o.Key)).toEqual(['list/a.txt', 'list/b.txt']);
    expect(grouped.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['list/sub/']);

    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'artifacts', Prefix: 'list/', MaxKeys: 2, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    expect(keys).toEqual(['list/a.txt', 'list/b.txt', 'list/sub/c.txt']);

    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'artifacts', Prefix: 'releases/' }));
    expect(versions.Versions!.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      [v2, true],
      [v1, false],
    ]);
  });

  it('DeleteObject adds a delete marker; old versions stay readable', async () => {
    const del = await s3.send(new DeleteObjectCommand({ Bucket: 'artifacts', Key: key }));
    expect(del.DeleteMarker).toBe(true);
    const gone = await failure(s3.send(new GetObjectCommand({ Bucket: 'artifacts', Key: key })));
    expect(gone.name).toBe('NoSuchKey');
    expect(await text((await s3.send(new GetObjectCommand({ Bucket: 'artifacts', Key: key, VersionId: v2 }))).Body)).toBe('two');
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'artifacts', Prefix: 'releases/' }));
    expect(versions.DeleteMarkers!.map((m) => [m.VersionId, m.IsLatest])).toEqual([[del.VersionId, true]]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'artifacts', Prefix: 'releases/' }));
    expect(listed.Contents ?? []).toEqual([]);
  });

  it('onObjectCreated fires for PutObject and CopyObject', () => {
    const copyEvent = events.find((e) => e.key === 'staging/fw.bin');
    expect(copyEvent).toMatchObject({ bucket: 'artifacts', size: 3, etag: md5('one'), metadata: { release: '1.0.0' } });
    expect(events.filter((e) => e.key === key).map((e) => e.versionId)).toEqual([v1, v2]);
  });
});

describe('S3 stand-in: SDK checksum defaults', () => {
  it('stores exact bytes from a streamed aws-chunked upload and serves a verifiable checksum', async () => {
    // Default checksum settings (WHEN_SUPPORTED): the SDK sends aws-chunked bodies with a CRC32 trailer.
    const { requestChecksumCalculation: _r, responseChecksumValidation: _v, ...plain } = clientConfig(twin, 's3');
    const client = new S3Client({ ...plain, maxAttempts: 1 });
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    await client.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'chunked.bin', Body: Readable.from([bytes.subarray(0, 30_000), bytes.subarray(30_000)]), ContentLength: bytes.length }));
    await client.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'buffer.bin', Body: bytes }));
    for (const k of ['chunked.bin', 'buffer.bin']) {
      expect(twin.s3.getObject('artifacts', k).body.equals(bytes)).toBe(true);
      const got = await client.send(new GetObjectCommand({ Bucket: 'artifacts', Key: k, ChecksumMode: 'ENABLED' }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(bytes)).toBe(true);
      expect(got.ChecksumCRC32).toBeDefined();
    }
    client.destroy();
  });

  it('rejects a body whose checksum does not match → BadDigest 400', async () => {
    const res = await fetch(`${twin.endpoints.s3}/artifacts/bad.bin`, { method: 'PUT', body: 'abc', headers: { 'x-amz-checksum-crc32': 'AAAAAA==' } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>BadDigest</Code>');
    expect(twin.s3.findObject('artifacts', 'bad.bin')).toBeUndefined();
  });
});
