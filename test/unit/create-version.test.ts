import { Readable } from 'node:stream';
import {
  ConflictException,
  CreatePackageCommand,
  CreatePackageVersionCommand,
  GetPackageVersionCommand,
  IoTClient,
  ResourceNotFoundException,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { GetObjectAttributesCommand, GetObjectCommand, HeadObjectCommand, type HeadObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { VersionConflict } from '../../lib/release/errors';
import { createVersion } from '../../lib/release/steps/create-version';
import { BUCKET, release } from '../fixtures/release';
import { sdkCrc } from '../support/crc';
import { failure } from '../twin/helpers';

const iot = mockClient(IoTClient);
const s3 = mockClient(S3Client);
const conflict = () => new ConflictException({ message: 'version exists', $metadata: {} });
const notFound = () => new ResourceNotFoundException({ message: 'no such package', $metadata: {} });
const deps = () => ({ iot: new IoTClient({}), s3: new S3Client({}) });

const KEY = 'releases/edge-agent/1.2.0/agent.zip';
const CRC = { algorithm: 'CRC64NVME', value: 'AAAAAAAAAAA=', type: 'FULL_OBJECT' };

/** Our upload: another S3 version of the released key, pinned by Prepare with its size and checksum. */
const reupload = (content: { size?: number; checksum?: typeof CRC; etag?: string } = {}) =>
  release({ artifact: { bucket: BUCKET, key: KEY, version: 'v-new', etag: content.etag ?? 'etag-new-2', size: content.size ?? 11, checksum: content.checksum ?? CRC } });

/** The released version points at `v-old`, whose HeadObject answers `head`. */
function released(head: Partial<Record<'ContentLength' | 'ChecksumCRC64NVME' | 'ChecksumCRC32' | 'ChecksumSHA256' | 'ChecksumType' | 'ETag', unknown>>) {
  iot.on(CreatePackageVersionCommand).rejects(conflict());
  iot.on(GetPackageVersionCommand).resolves({
    packageVersionArn: 'arn:aws:iot:us-east-1:000000000000:package/edge-agent/version/1.2.0',
    status: 'PUBLISHED',
    artifact: { s3Location: { bucket: BUCKET, key: KEY, version: 'v-old' } },
  });
  s3.on(HeadObjectCommand, { VersionId: 'v-old' }).resolves(head as never);
}

/** GetObject of each version streams these bytes. */
function bodies(byVersion: Record<string, string>) {
  for (const [version, body] of Object.entries(byVersion)) {
    s3.on(GetObjectCommand, { VersionId: version }).callsFake(() => ({ Body: Readable.from([Buffer.from(body)]) }));
  }
}

const mutatingIot = () => ({
  createPackage: iot.commandCalls(CreatePackageCommand).length,
  createPackageVersion: iot.commandCalls(CreatePackageVersionCommand).length,
  updatePackageVersion: iot.commandCalls(UpdatePackageVersionCommand).length,
});

describe('createVersion', () => {
  beforeEach(() => {
    iot.reset();
    s3.reset();
  });

  it('one call on the usual path: CreatePackageVersion (DRAFT) pinned to the S3 version, no CreatePackage', async () => {
    iot.on(CreatePackageVersionCommand).resolves({ packageVersionArn: 'arn:v', status: 'DRAFT' });
    const r = release({ attributes: { build: '42' }, tags: { team: 'edge' } });

    await expect(createVersion(r, deps())).resolves.toEqual({ outcome: 'created', versionArn: 'arn:v', status: 'DRAFT' });

    expect(iot.commandCalls(CreatePackageVersionCommand)[0]!.args[0].input).toEqual({
      packageName: 'edge-agent',
      versionName: '1.2.0',
      clientToken: r.clientToken,
      attributes: { build: '42' },
      tags: { team: 'edge' },
      artifact: { s3Location: { bucket: BUCKET, key: KEY, version: 'v-abc123' } },
    });
    expect(mutatingIot()).toEqual({ createPackage: 0, createPackageVersion: 1, updatePackageVersion: 0 });
  });

  it('package missing: CreatePackage, then CreatePackageVersion again', async () => {
    const r = release();
    iot.on(CreatePackageVersionCommand).rejectsOnce(notFound()).resolves({ packageVersionArn: 'arn:v', status: 'DRAFT' });
    iot.on(CreatePackageCommand).resolves({ packageName: 'edge-agent' });

    await expect(createVersion(r, deps())).resolves.toMatchObject({ outcome: 'created', versionArn: 'arn:v' });

    const order = iot.calls().map((c) => (c.args[0] as object).constructor.name);
    expect(order).toEqual(['CreatePackageVersionCommand', 'CreatePackageCommand', 'CreatePackageVersionCommand']);
    expect(iot.commandCalls(CreatePackageCommand)[0]!.args[0].input).toMatchObject({ packageName: 'edge-agent', clientToken: r.clientToken });
  });

  it('package missing, and another release creates it first (ConflictException): the version is still created', async () => {
    iot.on(CreatePackageVersionCommand).rejectsOnce(notFound()).resolves({ packageVersionArn: 'arn:v', status: 'DRAFT' });
    iot.on(CreatePackageCommand).rejects(conflict());
    await expect(createVersion(release(), deps())).resolves.toMatchObject({ outcome: 'created' });
    expect(iot.commandCalls(CreatePackageVersionCommand)).toHaveLength(2);
  });

  it('the version exists with the very same artifact (an earlier attempt): existing, without reading S3', async () => {
    const r = release();
    iot.on(CreatePackageVersionCommand).rejects(conflict());
    iot.on(GetPackageVersionCommand).resolves({ packageVersionArn: 'arn:v', status: 'PUBLISHED', artifact: { s3Location: { bucket: BUCKET, key: KEY, version: 'v-abc123' } } });

    const result = await createVersion(r, deps());

    expect(result).toEqual({ outcome: 'existing', versionArn: 'arn:v', status: 'PUBLISHED' });
    expect(s3.calls()).toHaveLength(0);
  });

  it('identical content under another S3 version: existing, "already released" naming the released artifact, no mutating call', async () => {
    released({ ContentLength: 11, ChecksumCRC64NVME: CRC.value, ChecksumType: 'FULL_OBJECT', ETag: '"etag-old-2"' });

    const result = await createVersion(reupload(), deps());

    expect(result).toEqual({
      outcome: 'existing',
      versionArn: 'arn:aws:iot:us-east-1:000000000000:package/edge-agent/version/1.2.0',
      status: 'PUBLISHED',
      alreadyReleasedAs: `already released with the same content from s3://${BUCKET}/${KEY}@v-old (11 bytes, CRC64NVME ${CRC.value})`,
    });
    const head = s3.commandCalls(HeadObjectCommand)[0]!.args[0].input as HeadObjectCommandInput;
    expect(head).toMatchObject({ Bucket: BUCKET, Key: KEY, VersionId: 'v-old', ChecksumMode: 'ENABLED' });
    // Decided by S3's checksums: no object read.
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(mutatingIot()).toEqual({ createPackage: 0, createPackageVersion: 1, updatePackageVersion: 0 });
  });

  it('different content: VersionConflict whose message shows both artifacts (key, version id, size, checksum)', async () => {
    released({ ContentLength: 11, ChecksumCRC64NVME: 'BBBBBBBBBBB=', ChecksumType: 'FULL_OBJECT', ETag: '"etag-old-2"' });

    const error = await failure(createVersion(reupload(), deps()));

    expect(error).toBeInstanceOf(VersionConflict);
    expect(error.name).toBe('VersionConflict');
    expect(error.message).toContain(`released s3://${BUCKET}/${KEY}@v-old (11 bytes, CRC64NVME BBBBBBBBBBB=)`);
    expect(error.message).toContain(`this upload s3://${BUCKET}/${KEY}@v-new (11 bytes, CRC64NVME ${CRC.value})`);
    expect(error.message).toMatch(/never overwritten.*new version name/);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(mutatingIot()).toEqual({ createPackage: 0, createPackageVersion: 1, updatePackageVersion: 0 });
  });

  it('different sizes: VersionConflict at once, whatever the checksums say', async () => {
    released({ ContentLength: 12, ChecksumCRC64NVME: CRC.value, ChecksumType: 'FULL_OBJECT' });
    const error = await failure(createVersion(reupload(), deps()));
    expect(error).toBeInstanceOf(VersionConflict);
    expect(error.message).toContain('(12 bytes,');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  describe('checksums of different kinds (the released object predates CRC64NVME): SHA-256 of both versions decides', () => {
    // Multipart ETags cannot decide either, so only reading the bytes can.
    const olderObject = { ContentLength: 11, ChecksumCRC32: 'q0Z7fA==', ChecksumType: 'FULL_OBJECT', ETag: '"0123abcd-2"' };

    it('same bytes: existing, already released', async () => {
      released(olderObject);
      bodies({ 'v-old': 'hello world', 'v-new': 'hello world' });

      const result = await createVersion(reupload({ etag: 'fedc9876-2' }), deps());

      expect(result).toMatchObject({ outcome: 'existing', alreadyReleasedAs: expect.stringContaining(`@v-old (11 bytes, CRC32 q0Z7fA==)`) });
      expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.VersionId).sort()).toEqual(['v-new', 'v-old']);
      expect(mutatingIot()).toEqual({ createPackage: 0, createPackageVersion: 1, updatePackageVersion: 0 });
    });

    it('different bytes of the same size: VersionConflict', async () => {
      released(olderObject);
      bodies({ 'v-old': 'hello world', 'v-new': 'HELLO WORLD' });

      const error = await failure(createVersion(reupload({ etag: 'fedc9876-2' }), deps()));

      expect(error).toBeInstanceOf(VersionConflict);
      expect(error.message).toContain('@v-old (11 bytes, CRC32 q0Z7fA==)');
      expect(error.message).toContain(`@v-new (11 bytes, CRC64NVME ${CRC.value})`);
      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2);
    });
  });

  describe('multipart uploads with COMPOSITE checksums (…-N: a checksum of the parts, not of the bytes)', () => {
    const COMPOSITE_OLD = { algorithm: 'CRC32', value: 'oldParts==-7', type: 'COMPOSITE' };
    const releasedMultipart = { ContentLength: 11, ChecksumCRC32: 'oldParts==-7', ChecksumType: 'COMPOSITE', ETag: '"0123abcd-7"' };

    it('the same bytes cut into other parts (another composite value): read and hashed, existing — never a VersionConflict', async () => {
      released(releasedMultipart);
      bodies({ 'v-old': 'hello world', 'v-new': 'hello world' });

      const result = await createVersion(reupload({ etag: 'fedc9876-4', checksum: { algorithm: 'CRC32', value: 'newParts==-4', type: 'COMPOSITE' } }), deps());

      expect(result).toMatchObject({ outcome: 'existing', alreadyReleasedAs: expect.stringContaining('@v-old (11 bytes, CRC32 oldParts==-7)') });
      expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.VersionId).sort()).toEqual(['v-new', 'v-old']);
    });

    /** GetObjectAttributes of each version lists these parts (their real CRC32s), as S3 does for a multipart upload with checksums. */
    async function partsOf(byVersion: Record<string, string[]>) {
      for (const [version, parts] of Object.entries(byVersion)) {
        const listed = await Promise.all(parts.map(async (p, i) => ({ PartNumber: i + 1, Size: p.length, ChecksumCRC32: await sdkCrc('CRC32', Buffer.from(p)) })));
        s3.on(GetObjectAttributesCommand, { VersionId: version }).resolves({ ObjectParts: { TotalPartsCount: parts.length, IsTruncated: false, Parts: listed } });
      }
    }
    const cut = (body: string, sizes: number[]) => sizes.map((_n, i) => body.slice(sizes.slice(0, i).reduce((a, b) => a + b, 0), sizes.slice(0, i + 1).reduce((a, b) => a + b, 0)));

    it('the same bytes in other parts, both listed with part CRC32s: the whole-object CRC32s, combined from the parts, agree — existing, no byte read', async () => {
      released({ ...releasedMultipart, ChecksumCRC32: 'oldParts==-3' });
      await partsOf({ 'v-old': cut('hello world', [4, 4, 3]), 'v-new': cut('hello world', [6, 5]) });

      const result = await createVersion(reupload({ etag: 'fedc9876-2', checksum: { algorithm: 'CRC32', value: 'newParts==-2', type: 'COMPOSITE' } }), deps());

      expect(result.outcome).toBe('existing');
      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    });

    it('different bytes in other parts: the combined CRC32s differ — VersionConflict, no byte read', async () => {
      released({ ...releasedMultipart, ChecksumCRC32: 'oldParts==-3' });
      await partsOf({ 'v-old': cut('hello world', [4, 4, 3]), 'v-new': cut('HELLO WORLD', [6, 5]) });

      const error = await failure(createVersion(reupload({ etag: 'fedc9876-2', checksum: { algorithm: 'CRC32', value: 'newParts==-2', type: 'COMPOSITE' } }), deps()));

      expect(error).toBeInstanceOf(VersionConflict);
      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    });

    it('a part list that does not match the checksum (2 parts listed for "-3"): not trusted, the bytes decide', async () => {
      released({ ...releasedMultipart, ChecksumCRC32: 'oldParts==-3' });
      await partsOf({ 'v-old': cut('hello world', [6, 5]), 'v-new': cut('hello world', [6, 5]) });
      bodies({ 'v-old': 'hello world', 'v-new': 'hello world' });

      const result = await createVersion(reupload({ etag: 'fedc9876-2', checksum: { algorithm: 'CRC32', value: 'newParts==-2', type: 'COMPOSITE' } }), deps());

      expect(result.outcome).toBe('existing');
      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2);
    });

    it('different bytes, other composite value: hashed, VersionConflict', async () => {
      released(releasedMultipart);
      bodies({ 'v-old': 'hello world', 'v-new': 'HELLO WORLD' });

      const error = await failure(createVersion(reupload({ etag: 'fedc9876-4', checksum: { algorithm: 'CRC32', value: 'newParts==-4', type: 'COMPOSITE' } }), deps()));

      expect(error).toBeInstanceOf(VersionConflict);
      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2);
    });

    it('the same composite value (the same parts, part by part): existing without reading S3', async () => {
      released(releasedMultipart);

      const result = await createVersion(reupload({ etag: '0123abcd-7', checksum: COMPOSITE_OLD }), deps());

      expect(result.outcome).toBe('existing');
      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    });

    it('a composite value without ChecksumType (`…-N` only) is treated as composite too: hashed, not compared', async () => {
      released({ ...releasedMultipart, ChecksumType: undefined });
      bodies({ 'v-old': 'hello world', 'v-new': 'hello world' });

      const result = await createVersion(reupload({ etag: 'fedc9876-4', checksum: { algorithm: 'CRC32', value: 'newParts==-4' } as never }), deps());

      expect(result.outcome).toBe('existing');
      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2);
    });
  });

  it('the released artifact can no longer be read: VersionConflict that says so, never "same"', async () => {
    iot.on(CreatePackageVersionCommand).rejects(conflict());
    iot.on(GetPackageVersionCommand).resolves({ status: 'PUBLISHED', artifact: { s3Location: { bucket: BUCKET, key: KEY, version: 'v-gone' } } });
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Not Found'), { name: 'NotFound' }));

    const error = await failure(createVersion(reupload(), deps()));

    expect(error).toBeInstanceOf(VersionConflict);
    expect(error.message).toContain(`released s3://${BUCKET}/${KEY}@v-gone (content unknown)`);
  });
});
