import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CreatePackageCommand, CreatePackageVersionCommand, IoTClient, ListPackagesCommand, UpdatePackageVersionCommand } from '@aws-sdk/client-iot';
import { CreatePackageCommand as CreateOsPackageCommand, DescribePackagesCommand, OpenSearchClient } from '@aws-sdk/client-opensearch';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { IDEMPOTENCY_TABLE_ENV, clientConfig, startTwin, type Twin } from '../../local/twin';
import { clients, failure, token } from './helpers';

describe('selected only by the standard endpoint variables', () => {
  let twin: Twin;
  const saved = { ...process.env };
  beforeAll(async () => {
    twin = await startTwin({ idempotencyTable: 'idem' });
  });
  afterEach(() => {
    // Restore key by key: replacing process.env itself would drop its special behaviour.
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });
  afterAll(() => twin.close());

  it('plain `new XClient({})` reaches the twin with twin.env() applied', async () => {
    for (const k of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_DEFAULT_REGION']) delete process.env[k];
    Object.assign(process.env, twin.env());
    expect(process.env[IDEMPOTENCY_TABLE_ENV]).toBe('idem');

    const iot = new IoTClient({});
    const os = new OpenSearchClient({});
    const s3 = new S3Client({});
    const ddb = new DynamoDBClient({});
    await iot.send(new CreatePackageCommand({ packageName: 'via-env' }));
    expect((await iot.send(new ListPackagesCommand({}))).packageSummaries!.map((p) => p.packageName)).toEqual(['via-env']);
    await os.send(new DescribePackagesCommand({}));
    twin.s3.createBucket('env-bucket');
    const put = await s3.send(new PutObjectCommand({ Bucket: 'env-bucket', Key: 'a/b.txt', Body: 'hi' }));
    expect(twin.s3.getObject('env-bucket', 'a/b.txt').versionId).toBe(put.VersionId);
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'env-bucket', Key: 'a/b.txt' }))).Body!.transformToString()).toBe('hi');
    const table = await ddb.send(new DescribeTableCommand({ TableName: process.env[IDEMPOTENCY_TABLE_ENV] }));
    expect(table.Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);

    expect(twin.calls()).toMatchObject({
      'iot:CreatePackage': { succeeded: 1, failed: 0 },
      'es:DescribePackages': { succeeded: 1, failed: 0 },
      's3:PutObject': { succeeded: 1, failed: 0 },
      's3:GetObject': { succeeded: 1, failed: 0 },
    });
    for (const c of [iot, os, s3, ddb]) c.destroy();
  });
});

describe('state directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pkgrelease-twin-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps IoT, OpenSearch, S3 and DynamoDB state across stop/start', async () => {
    const first = await startTwin({ stateDir: dir, seed: 1, opensearchTiming: { copyingMs: 0, validatingMs: 0 } });
    const c1 = clients(first);
    first.s3.createBucket('artifacts');
    const put = await c1.s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'fw/1.0.0.bin', Body: Buffer.from([1, 2, 3]), Metadata: { v: '1' } }));
    await c1.iot.send(new CreatePackageCommand({ packageName: 'fw' }));
    const artifact = { s3Location: { bucket: 'artifacts', key: 'fw/1.0.0.bin', version: put.VersionId } };
    await c1.iot.send(new CreatePackageVersionCommand({ packageName: 'fw', versionName: '1.0.0', artifact, clientToken: token('persist') }));
    await c1.iot.send(new UpdatePackageVersionCommand({ packageName: 'fw', versionName: '1.0.0', action: 'PUBLISH' }));
    await c1.os.send(new CreateOsPackageCommand({ PackageName: 'fw-dict', PackageType: 'TXT-DICTIONARY', PackageSource: { S3BucketName: 'artifacts', S3Key: 'fw/1.0.0.bin' } }));
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(first, 'dynamodb')));
    await doc.send(new PutCommand({ TableName: first.idempotencyTable, Item: { id: 'fn#abc', status: 'COMPLETED', expiration: 123 } }));
    doc.destroy();
    const catalog = first.catalog();
    for (const c of Object.values(c1)) c.destroy();
    await first.close();

    const second = await startTwin({ stateDir: dir, seed: 1 });
    try {
      expect(second.catalog()).toEqual(catalog);
      expect(catalog.iot.fw!.versions['1.0.0']).toEqual({ status: 'PUBLISHED', artifact });
      expect(catalog.opensearch['fw-dict']).toMatchObject({ status: 'AVAILABLE', availableVersion: 'v1' });

      const c2 = clients(second);
      const got = await c2.s3.send(new GetObjectCommand({ Bucket: 'artifacts', Key: 'fw/1.0.0.bin', VersionId: put.VersionId }));
      expect([...(await got.Body!.transformToByteArray())]).toEqual([1, 2, 3]);
      expect(got.Metadata).toEqual({ v: '1' });
      // The seeded id generators continue where they stopped instead of repeating ids.
      const next = await c2.s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'fw/1.0.0.bin', Body: 'again' }));
      expect(next.VersionId).not.toBe(put.VersionId);
      // clientTokens survive too: a replay with another body is still a conflict.
      const e = await failure(c2.iot.send(new CreatePackageVersionCommand({ packageName: 'fw', versionName: '1.0.0', description: 'x', clientToken: token('persist') })));
      expect(e.name).toBe('ConflictException');

      const doc2 = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(second, 'dynamodb')));
      const item = await doc2.send(new GetCommand({ TableName: second.idempotencyTable, Key: { id: 'fn#abc' } }));
      expect(item.Item).toEqual({ id: 'fn#abc', status: 'COMPLETED', expiration: 123 });
      doc2.destroy();
      for (const c of Object.values(c2)) c.destroy();
    } finally {
      await second.close();
    }
  });
});
