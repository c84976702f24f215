import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwin, type ObjectCreatedEvent, type Twin } from '../../local/twin';
import { awsCli } from '../support/aws-cli';

/** The twin's S3 as the real AWS CLI v1 (botocore, s3transfer) sees it. */
let twin: Twin;
let dir: string;
const events: ObjectCreatedEvent[] = [];
const cli = (...args: string[]) => awsCli(args, { endpoints: twin.endpoints });
const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('base64');

beforeAll(async () => {
  twin = await startTwin({ seed: 17 });
  twin.s3.createBucket('artifacts');
  twin.s3.onObjectCreated((e) => void events.push(e));
  dir = mkdtempSync(join(tmpdir(), 's3-cli-'));
});
afterAll(async () => {
  await twin.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('S3 stand-in with the AWS CLI v1', () => {
  it('s3api list-buckets parses the reply: the bucket the twin holds', async () => {
    const r = await cli('s3api', 'list-buckets');
    expect(r.code, r.stderr).toBe(0);
    expect((r.json as { Buckets: { Name: string }[] }).Buckets.map((b) => b.Name)).toEqual(['artifacts']);
  });

  it('aws s3 cp of 50 MiB: multipart up (one Object Created event, ETag "…-7"), ranged parts down, byte-identical', async () => {
    const data = randomBytes(50 * MiB);
    writeFileSync(join(dir, 'big.bin'), data);
    const before = twin.calls();
    const up = await cli('s3', 'cp', join(dir, 'big.bin'), 's3://artifacts/releases/big.bin');
    expect(up.code, up.stderr).toBe(0);
    const stored = twin.s3.getObject('artifacts', 'releases/big.bin');
    expect(stored.size).toBe(data.length);
    expect(stored.body.equals(data)).toBe(true);
    expect(stored.etag).toMatch(/^"[0-9a-f]{32}-7"$/);
    expect(events.filter((e) => e.key === 'releases/big.bin')).toHaveLength(1);
    expect((twin.calls()['s3:UploadPart']?.succeeded ?? 0) - (before['s3:UploadPart']?.succeeded ?? 0)).toBe(7);

    const down = await cli('s3', 'cp', 's3://artifacts/releases/big.bin', join(dir, 'back.bin'));
    expect(down.code, down.stderr).toBe(0);
    expect(readFileSync(join(dir, 'back.bin')).equals(data)).toBe(true);
    expect(twin.calls()['s3:GetObject']?.succeeded ?? 0).toBeGreaterThan(1); // ranged parts
  }, 60_000);

  it('s3api put-object --checksum-algorithm SHA256 stores and returns ChecksumSHA256; head-object --checksum-mode returns it', async () => {
    const body = Buffer.from('firmware bytes\n');
    writeFileSync(join(dir, 'small.bin'), body);
    const put = await cli('s3api', 'put-object', '--bucket', 'artifacts', '--key', 'sha.bin', '--body', join(dir, 'small.bin'), '--checksum-algorithm', 'SHA256');
    expect(put.code, put.stderr).toBe(0);
    expect(put.json).toMatchObject({ ChecksumSHA256: sha256(body) });
    const head = await cli('s3api', 'head-object', '--bucket', 'artifacts', '--key', 'sha.bin', '--checksum-mode', 'ENABLED');
    expect(head.code, head.stderr).toBe(0);
    expect(head.json).toMatchObject({ ChecksumSHA256: sha256(body), ContentLength: body.length });
  });

  it('get-object-attributes answers the attributes (not an object body)', async () => {
    const r = await cli('s3api', 'get-object-attributes', '--bucket', 'artifacts', '--key', 'sha.bin', '--object-attributes', 'ETag', 'Checksum', 'ObjectSize', 'StorageClass');
    expect(r.code, r.stderr).toBe(0);
    const o = twin.s3.getObject('artifacts', 'sha.bin');
    expect(r.json).toMatchObject({ ETag: o.etag.replace(/"/g, ''), ObjectSize: o.size, StorageClass: 'STANDARD', Checksum: { ChecksumSHA256: sha256(o.body), ChecksumType: 'FULL_OBJECT' } });
  });

  it('get-object-attributes of the multipart object: its parts and composite checksum', async () => {
    const r = await cli('s3api', 'get-object-attributes', '--bucket', 'artifacts', '--key', 'releases/big.bin', '--object-attributes', 'ObjectParts', 'Checksum');
    expect(r.code, r.stderr).toBe(0);
    const json = r.json as { ObjectParts: { TotalPartsCount: number; Parts: { Size: number }[] }; Checksum: Record<string, string> };
    expect(json.ObjectParts.TotalPartsCount).toBe(7);
    expect(json.ObjectParts.Parts.reduce((a, p) => a + p.Size, 0)).toBe(50 * MiB);
    expect(Object.values(json.Checksum).join(' ')).toMatch(/(COMPOSITE|FULL_OBJECT)/);
  });

  it('get-object --if-match with a wrong ETag: 412 PreconditionFailed; --if-none-match with the ETag: 304', async () => {
    const wrong = await cli('s3api', 'get-object', '--bucket', 'artifacts', '--key', 'sha.bin', '--if-match', '"0000"', join(dir, 'x'));
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/PreconditionFailed|412/);
    const etag = twin.s3.getObject('artifacts', 'sha.bin').etag;
    const same = await cli('s3api', 'get-object', '--bucket', 'artifacts', '--key', 'sha.bin', '--if-none-match', etag, join(dir, 'y'));
    expect(same.code).not.toBe(0);
    expect(same.stderr).toMatch(/304|Not Modified/);
  });

  it('get-object --range: 206 with ContentRange; an unsatisfiable range: 416 InvalidRange', async () => {
    const r = await cli('s3api', 'get-object', '--bucket', 'artifacts', '--key', 'sha.bin', '--range', 'bytes=0-7', join(dir, 'part'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ ContentRange: 'bytes 0-7/15', ContentLength: 8 });
    expect(readFileSync(join(dir, 'part'), 'utf8')).toBe('firmware');
    const bad = await cli('s3api', 'get-object', '--bucket', 'artifacts', '--key', 'sha.bin', '--range', 'bytes=100-200', join(dir, 'none'));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/InvalidRange/);
  });
});
