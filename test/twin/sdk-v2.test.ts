import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreatePackageVersionCommand, IoTClient } from '@aws-sdk/client-iot';
import { clientConfig } from '../../local/twin';
import { LocalSession } from '../../local/session';
import { LOCAL_BUCKET } from '../../local/session/account';

/**
 * A second, independent SDK — the v2 `aws-sdk`, with its own serializers and parsers — reading the
 * twin's answers to the calls a release makes. v3 tolerates some shape mistakes (a missing member,
 * a timestamp in the wrong form) that v2 turns into an error or an Invalid Date.
 */
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
const { S3, Iot, OpenSearch, StepFunctions } = (await import('aws-sdk')).default;

let session: LocalSession;
let s3: InstanceType<typeof S3>;
let iot: InstanceType<typeof Iot>;
let os: InstanceType<typeof OpenSearch>;
let sfn: InstanceType<typeof StepFunctions>;
const MiB = 1024 * 1024;

const validDate = (d: unknown) => d instanceof Date && !Number.isNaN(d.getTime());

beforeAll(async () => {
  session = await LocalSession.start({ config: { packages: { fw: { opensearchPackage: 'fw-dict' } } }, timeScale: 0.002, opensearchTiming: { copyingMs: 5, validatingMs: 5 } });
  await session.createOpenSearchPackage('fw-dict', 'TXT-DICTIONARY', 'initial\n');
  await session.createDomain({ name: 'search-prod', packages: ['fw-dict'] });
  const common = { region: session.twin.region, credentials: session.twin.credentials, maxRetries: 0 };
  const e = session.twin.endpoints;
  s3 = new S3({ ...common, endpoint: e.s3, s3ForcePathStyle: true, signatureVersion: 'v4' });
  iot = new Iot({ ...common, endpoint: e.iot });
  os = new OpenSearch({ ...common, endpoint: e.opensearch });
  sfn = new StepFunctions({ ...common, endpoint: session.sfnEndpoint });
});
afterAll(async () => {
  await session?.close();
});

describe('aws-sdk v2 against the twin', () => {
  it('S3: PutObject, HeadObject (ETag, size, version, metadata), GetObject with a Range (206), CopyObject with CopySourceIfMatch', async () => {
    const body = Buffer.from('firmware 1.0.0\n');
    const put = await s3.putObject({ Bucket: LOCAL_BUCKET, Key: 'builds/fw.bin', Body: body, Metadata: { channel: 'stable' } }).promise();
    const head = await s3.headObject({ Bucket: LOCAL_BUCKET, Key: 'builds/fw.bin', ChecksumMode: 'ENABLED' }).promise();
    expect(head).toMatchObject({ ETag: put.ETag, ContentLength: body.length, VersionId: put.VersionId, Metadata: { channel: 'stable' } });
    expect(validDate(head.LastModified)).toBe(true);
    const part = await s3.getObject({ Bucket: LOCAL_BUCKET, Key: 'builds/fw.bin', Range: 'bytes=0-7' }).promise();
    expect([part.ContentRange, String(part.Body)]).toEqual([`bytes 0-7/${body.length}`, 'firmware']);
    const copy = await s3
      .copyObject({ Bucket: LOCAL_BUCKET, Key: 'staging/fw.bin', CopySource: `${LOCAL_BUCKET}/builds/fw.bin?versionId=${put.VersionId}`, CopySourceIfMatch: put.ETag, ServerSideEncryption: 'AES256', MetadataDirective: 'COPY' })
      .promise();
    expect(copy.CopyObjectResult?.ETag).toBe(put.ETag);
    expect(validDate(copy.CopyObjectResult?.LastModified)).toBe(true);
    const refused = await s3.copyObject({ Bucket: LOCAL_BUCKET, Key: 'staging/x.bin', CopySource: `${LOCAL_BUCKET}/builds/fw.bin`, CopySourceIfMatch: '"0000"' }).promise().catch((err: Error & { statusCode?: number; code?: string }) => err);
    expect([(refused as { code?: string }).code, (refused as { statusCode?: number }).statusCode]).toEqual(['PreconditionFailed', 412]);
  });

  it('S3 multipart (managed upload, 5 MiB parts): ETag "…-3", byte-identical back, GetObjectAttributes with 3 parts', async () => {
    const data = randomBytes(12 * MiB);
    const up = await s3.upload({ Bucket: LOCAL_BUCKET, Key: 'builds/big.bin', Body: data }, { partSize: 5 * MiB, queueSize: 2 }).promise();
    expect(up.ETag).toMatch(/^"[0-9a-f]{32}-3"$/);
    const back = await s3.getObject({ Bucket: LOCAL_BUCKET, Key: 'builds/big.bin' }).promise();
    expect((back.Body as Buffer).equals(data)).toBe(true);
    const attrs = await s3.getObjectAttributes({ Bucket: LOCAL_BUCKET, Key: 'builds/big.bin', ObjectAttributes: ['ObjectParts', 'ObjectSize', 'ETag'] }).promise();
    expect([attrs.ObjectSize, attrs.ObjectParts?.TotalPartsCount]).toEqual([data.length, 3]);
  });

  // v2's IoT model (2.1693) predates the version's `artifact`: the version is created by v3, as the release does, and read by v2.
  it('IoT: CreatePackage, GetPackageVersion (dates), publish, default version, indexing configuration', async () => {
    const head = await s3.headObject({ Bucket: LOCAL_BUCKET, Key: 'builds/fw.bin' }).promise();
    const token = 'a'.repeat(64);
    const pkg = await iot.createPackage({ packageName: 'fw', clientToken: token }).promise();
    expect(pkg.packageArn).toMatch(/^arn:aws:iot:.*:package\/fw$/);
    const v3 = new IoTClient({ ...clientConfig(session.twin, 'iot'), maxAttempts: 1 });
    const artifact = { s3Location: { bucket: LOCAL_BUCKET, key: 'builds/fw.bin', version: head.VersionId! } };
    await v3.send(new CreatePackageVersionCommand({ packageName: 'fw', versionName: '1.0.0', artifact, attributes: { channel: 'stable' }, clientToken: token }));
    v3.destroy();
    const got = await iot.getPackageVersion({ packageName: 'fw', versionName: '1.0.0' }).promise();
    expect(got).toMatchObject({ packageName: 'fw', versionName: '1.0.0', status: 'DRAFT', attributes: { channel: 'stable' } });
    expect([validDate(got.creationDate), validDate(got.lastModifiedDate)]).toEqual([true, true]);
    await iot.updatePackageVersion({ packageName: 'fw', versionName: '1.0.0', action: 'PUBLISH', clientToken: token }).promise();
    await iot.updatePackage({ packageName: 'fw', defaultVersionName: '1.0.0', clientToken: token }).promise();
    const after = await iot.getPackage({ packageName: 'fw' }).promise();
    expect(after.defaultVersionName).toBe('1.0.0');
    expect((await iot.getPackageVersion({ packageName: 'fw', versionName: '1.0.0' }).promise()).status).toBe('PUBLISHED');
    const indexing = await iot.getIndexingConfiguration().promise();
    expect(indexing.thingIndexingConfiguration?.thingIndexingMode).toMatch(/^REGISTRY/);
  });

  it('OpenSearch: DescribePackages by name, UpdatePackage, GetPackageVersionHistory (dates), ListPackagesForDomain, DescribeDomain', async () => {
    const found = await os.describePackages({ Filters: [{ Name: 'PackageName', Value: ['fw-dict'] }] }).promise();
    const pkg = found.PackageDetailsList![0]!;
    expect([pkg.PackageName, pkg.PackageStatus, validDate(pkg.CreatedAt)]).toEqual(['fw-dict', 'AVAILABLE', true]);
    const updated = await os.updatePackage({ PackageID: pkg.PackageID!, PackageSource: { S3BucketName: LOCAL_BUCKET, S3Key: 'staging/fw.bin' }, CommitMessage: 'pkgrelease v=1.0.0 t=0123456789abcdef p=fw' }).promise();
    expect(updated.PackageDetails?.PackageStatus).toBe('COPYING');
    const history = await os.getPackageVersionHistory({ PackageID: pkg.PackageID!, MaxResults: 1 }).promise();
    expect(history.PackageVersionHistoryList![0]).toMatchObject({ PackageVersion: 'v2', CommitMessage: 'pkgrelease v=1.0.0 t=0123456789abcdef p=fw' });
    expect(validDate(history.PackageVersionHistoryList![0]!.CreatedAt)).toBe(true);
    const onDomain = await os.listPackagesForDomain({ DomainName: 'search-prod', MaxResults: 1 }).promise();
    expect(onDomain.DomainPackageDetailsList!.map((d) => [d.PackageName, d.DomainPackageStatus])).toEqual([['fw-dict', 'ACTIVE']]);
    expect(validDate(onDomain.DomainPackageDetailsList![0]!.LastUpdated)).toBe(true);
    const domain = await os.describeDomain({ DomainName: 'search-prod' }).promise();
    expect(domain.DomainStatus).toMatchObject({ DomainName: 'search-prod', Processing: false, ClusterConfig: { InstanceCount: 1 } });
    const missing = await os.describeDomain({ DomainName: 'no-such-domain' }).promise().catch((err: { code?: string; statusCode?: number }) => err);
    expect([(missing as { code?: string }).code, (missing as { statusCode?: number }).statusCode]).toEqual(['ResourceNotFoundException', 409]);
  });

  it('Step Functions: DescribeStateMachine, StartExecution (a bad input: InvalidExecutionInput 400), DescribeExecution, ListExecutions', async () => {
    const arn = session.engine.stateMachineArn;
    const machine = await sfn.describeStateMachine({ stateMachineArn: arn }).promise();
    expect([machine.status, machine.type, validDate(machine.creationDate)]).toEqual(['ACTIVE', 'STANDARD', true]);
    const bad = await sfn.startExecution({ stateMachineArn: arn, input: '{not json' }).promise().catch((err: { code?: string; statusCode?: number }) => err);
    expect([(bad as { code?: string }).code, (bad as { statusCode?: number }).statusCode]).toEqual(['InvalidExecutionInput', 400]);
    const started = await sfn.startExecution({ stateMachineArn: arn, name: 'v2-probe', input: '{}' }).promise();
    expect(validDate(started.startDate)).toBe(true);
    const described = await sfn.describeExecution({ executionArn: started.executionArn }).promise();
    expect([described.name, validDate(described.startDate), ['RUNNING', 'SUCCEEDED', 'FAILED'].includes(described.status)]).toEqual(['v2-probe', true, true]);
    const listed = await sfn.listExecutions({ stateMachineArn: arn }).promise();
    expect(listed.executions.map((x) => x.name)).toContain('v2-probe');
  });
});
