import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AssociatePackageCommand,
  CreatePackageCommand,
  DescribePackagesCommand,
  GetPackageVersionHistoryCommand,
  type OpenSearchClient,
  UpdatePackageCommand,
  type PackageDetails,
} from '@aws-sdk/client-opensearch';
import { startTwin, type Twin } from '../../local/twin';
import { OpenSearchPackages } from '../../local/twin/opensearch/packages';
import { S3Store } from '../../local/twin/s3/store';
import { clients, failure, waitFor } from './helpers';

let twin: Twin;
let os: OpenSearchClient;
const BUCKET = 'os-src';

beforeAll(async () => {
  twin = await startTwin({ seed: 11, opensearchTiming: { copyingMs: 80, validatingMs: 80 } });
  os = clients(twin).os;
  twin.s3.createBucket(BUCKET);
  twin.s3.putObject(BUCKET, 'dict/v1.txt', 'hello\nworld\n');
  twin.s3.putObject(BUCKET, 'dict/v2.txt', 'hallo\nwelt\n');
  twin.s3.putObject(BUCKET, 'dict/latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9])); // "café" in Latin-1
  twin.s3.putObject(BUCKET, 'plugin/ok.zip', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(16)]));
  twin.s3.putObject(BUCKET, 'plugin/not.zip', 'definitely not a zip');
  twin.s3.putObject(BUCKET, 'kms.txt', 'secret', { serverSideEncryption: 'aws:kms' });
});
afterAll(async () => {
  os.destroy();
  await twin.close();
});

const describeOne = async (id: string): Promise<PackageDetails> =>
  (await os.send(new DescribePackagesCommand({ Filters: [{ Name: 'PackageID', Value: [id] }] }))).PackageDetailsList![0]!;
const settled = (id: string) => waitFor(() => describeOne(id), (p) => !['COPYING', 'VALIDATING'].includes(p.PackageStatus!));

async function createDictionary(name: string, key = 'dict/v1.txt') {
  const { PackageDetails } = await os.send(
    new CreatePackageCommand({ PackageName: name, PackageType: 'TXT-DICTIONARY', PackageSource: { S3BucketName: BUCKET, S3Key: key } }),
  );
  return PackageDetails!.PackageID!;
}

describe('OpenSearch import timeline (fake clock)', () => {
  it('COPYING until copyingMs, VALIDATING until +validatingMs, then AVAILABLE; the copy reads S3 as of copy time', () => {
    let now = 1_000_000;
    const store = new S3Store(1, () => now);
    store.createBucket('bkt');
    store.putObject('bkt', 'd.txt', 'good');
    const state = new OpenSearchPackages(store, { copyingMs: 100, validatingMs: 50 }, 1, () => now);
    const pkg = state.create({ name: 'timeline', type: 'TXT-DICTIONARY' }, { bucket: 'bkt', key: 'd.txt' });
    const at = (t: number) => {
      now = 1_000_000 + t;
      return state.status(pkg);
    };
    expect([at(0), at(99), at(100), at(149), at(150)]).toEqual(['COPYING', 'COPYING', 'VALIDATING', 'VALIDATING', 'AVAILABLE']);
    expect(pkg.availableVersion).toBe('v1');

    // Update at t=200; the object is overwritten with NUL bytes at t=350, after the copy at t=300.
    at(200);
    state.update(pkg, { bucket: 'bkt', key: 'd.txt' }, { commitMessage: 'second' });
    now = 1_000_000 + 350;
    store.putObject('bkt', 'd.txt', Buffer.from([0]));
    expect([at(349), at(350)]).toEqual(['VALIDATING', 'AVAILABLE']);
    expect(pkg.availableVersion).toBe('v2');

    // A failed copy shows at copy time and keeps the available version.
    at(400);
    state.update(pkg, { bucket: 'bkt', key: 'missing.txt' }, {});
    expect([at(499), at(500)]).toEqual(['COPYING', 'COPY_FAILED']);
    expect([pkg.availableVersion, pkg.errorDetails?.ErrorType]).toEqual(['v2', 'S3_OBJECT_NOT_FOUND']);
    expect(pkg.history.map((h) => h.version)).toEqual(['v1', 'v2', 'v3']);
  });
});

describe('OpenSearch stand-in: asynchronous import and history', () => {
  it('goes COPYING → VALIDATING → AVAILABLE, and UpdatePackage adds v2 to the history', async () => {
    const { PackageDetails: created } = await os.send(
      new CreatePackageCommand({ PackageName: 'synonyms', PackageType: 'TXT-DICTIONARY', PackageDescription: 'syn', PackageSource: { S3BucketName: BUCKET, S3Key: 'dict/v1.txt' } }),
    );
    expect(created!.PackageID).toMatch(/^F[0-9]+$/);
    expect(created!.PackageStatus).toBe('COPYING');
    expect(created!.CreatedAt).toBeInstanceOf(Date);
    const id = created!.PackageID!;

    const available = await settled(id);
    expect([available.PackageStatus, available.AvailablePackageVersion]).toEqual(['AVAILABLE', 'v1']);

    const { PackageDetails: updating } = await os.send(
      new UpdatePackageCommand({ PackageID: id, PackageSource: { S3BucketName: BUCKET, S3Key: 'dict/v2.txt' }, CommitMessage: 'fw@1.1.0 tok-abc' }),
    );
    expect(updating!.PackageStatus).toBe('COPYING');
    expect(updating!.AvailablePackageVersion).toBe('v1'); // the old version stays available meanwhile

    // Busy: a second update while the first is being imported is refused.
    const busy = await failure(os.send(new UpdatePackageCommand({ PackageID: id, PackageSource: { S3BucketName: BUCKET, S3Key: 'dict/v2.txt' } })));
    expect([busy.name, busy.$metadata.httpStatusCode]).toEqual(['ConflictException', 409]);

    expect((await settled(id)).AvailablePackageVersion).toBe('v2');
    const history = await os.send(new GetPackageVersionHistoryCommand({ PackageID: id }));
    expect(history.PackageID).toBe(id);
    expect(history.PackageVersionHistoryList!.map((h) => [h.PackageVersion, h.CommitMessage])).toEqual([
      ['v2', 'fw@1.1.0 tok-abc'],
      ['v1', undefined],
    ]);
    expect(history.PackageVersionHistoryList![0]!.CreatedAt).toBeInstanceOf(Date);

    const page = await os.send(new GetPackageVersionHistoryCommand({ PackageID: id, MaxResults: 1 }));
    expect(page.PackageVersionHistoryList).toHaveLength(1);
    const rest = await os.send(new GetPackageVersionHistoryCommand({ PackageID: id, MaxResults: 1, NextToken: page.NextToken }));
    expect(rest.PackageVersionHistoryList![0]!.PackageVersion).toBe('v1');

    expect(twin.catalog().opensearch.synonyms).toMatchObject({ id, status: 'AVAILABLE', availableVersion: 'v2', history: [{ version: 'v1' }, { version: 'v2', commitMessage: 'fw@1.1.0 tok-abc' }] });
  });

  it('COPY_FAILED when the S3 object is missing; the available version stays', async () => {
    const id = await createDictionary('copy-fail');
    await settled(id);
    await os.send(new UpdatePackageCommand({ PackageID: id, PackageSource: { S3BucketName: BUCKET, S3Key: 'dict/missing.txt' } }));
    const failed = await settled(id);
    expect(failed.PackageStatus).toBe('COPY_FAILED');
    expect(failed.ErrorDetails).toMatchObject({ ErrorType: 'S3_OBJECT_NOT_FOUND' });
    expect(failed.ErrorDetails!.ErrorMessage).toContain('dict/missing.txt');
    expect(failed.AvailablePackageVersion).toBe('v1');
    // A failed package can be updated again and recovers.
    await os.send(new UpdatePackageCommand({ PackageID: id, PackageSource: { S3BucketName: BUCKET, S3Key: 'dict/v2.txt' } }));
    const ok = await settled(id);
    expect([ok.PackageStatus, ok.AvailablePackageVersion, ok.ErrorDetails]).toEqual(['AVAILABLE', 'v3', undefined]);
  });

  it('COPY_FAILED for an SSE-KMS object', async () => {
    const id = await createDictionary('kms-fail', 'kms.txt');
    const failed = await settled(id);
    expect([failed.PackageStatus, failed.ErrorDetails?.ErrorType, failed.AvailablePackageVersion]).toEqual(['COPY_FAILED', 'S3_ACCESS_DENIED', undefined]);
  });

  it('VALIDATION_FAILED for a TXT-DICTIONARY that is not UTF-8', async () => {
    const id = await createDictionary('latin', 'dict/latin1.txt');
    const failed = await settled(id);
    expect(failed.PackageStatus).toBe('VALIDATION_FAILED');
    expect(failed.ErrorDetails?.ErrorMessage).toContain('UTF-8');
  });

  it('VALIDATION_FAILED for a ZIP-PLUGIN that is not a zip; AVAILABLE for one that is', async () => {
    const make = async (name: string, key: string) =>
      (await os.send(new CreatePackageCommand({ PackageName: name, PackageType: 'ZIP-PLUGIN', EngineVersion: 'OpenSearch_2.11', PackageSource: { S3BucketName: BUCKET, S3Key: key } })))
        .PackageDetails!.PackageID!;
    const [bad, good] = await Promise.all([make('plugin-bad', 'plugin/not.zip'), make('plugin-good', 'plugin/ok.zip')]);
    expect((await settled(bad)).PackageStatus).toBe('VALIDATION_FAILED');
    expect((await settled(good)).PackageStatus).toBe('AVAILABLE');
    expect((await describeOne(good)).EngineVersion).toBe('OpenSearch_2.11');
  });

  it('DescribePackages filters by name, type and status, with wildcards and paging', async () => {
    const byName = await os.send(new DescribePackagesCommand({ Filters: [{ Name: 'PackageName', Value: ['synonyms'] }] }));
    expect(byName.PackageDetailsList!.map((p) => p.PackageName)).toEqual(['synonyms']);
    const plugins = await os.send(new DescribePackagesCommand({ Filters: [{ Name: 'PackageType', Value: ['ZIP-PLUGIN'] }, { Name: 'PackageStatus', Value: ['AVAILABLE'] }] }));
    expect(plugins.PackageDetailsList!.map((p) => p.PackageName)).toEqual(['plugin-good']);
    const wild = await os.send(new DescribePackagesCommand({ Filters: [{ Name: 'PackageName', Value: ['plugin-*'] }] }));
    expect(wild.PackageDetailsList!.map((p) => p.PackageName).sort()).toEqual(['plugin-bad', 'plugin-good']);
    const none = await os.send(new DescribePackagesCommand({ Filters: [{ Name: 'PackageName', Value: ['nothing-here'] }] }));
    expect(none.PackageDetailsList).toEqual([]);
    const first = await os.send(new DescribePackagesCommand({ MaxResults: 2 }));
    expect(first.PackageDetailsList).toHaveLength(2);
    expect(first.NextToken).toBeDefined();
    const second = await os.send(new DescribePackagesCommand({ MaxResults: 2, NextToken: first.NextToken }));
    expect(second.PackageDetailsList![0]!.PackageID).not.toBe(first.PackageDetailsList![0]!.PackageID);
  });
});

describe('OpenSearch stand-in: validation and errors', () => {
  const src = { S3BucketName: BUCKET, S3Key: 'dict/v1.txt' };
  const cases: [string, () => unknown, string][] = [
    ['PackageName pattern', () => new CreatePackageCommand({ PackageName: 'Bad_Name', PackageType: 'TXT-DICTIONARY', PackageSource: src }), 'PackageName'],
    ['PackageName too short', () => new CreatePackageCommand({ PackageName: 'ab', PackageType: 'TXT-DICTIONARY', PackageSource: src }), 'PackageName'],
    ['PackageType enum', () => new CreatePackageCommand({ PackageName: 'abc', PackageType: 'TXT_DICTIONARY' as never, PackageSource: src }), 'PackageType'],
    ['EngineVersion only for plugins', () => new CreatePackageCommand({ PackageName: 'abc', PackageType: 'TXT-DICTIONARY', EngineVersion: 'OpenSearch_2.11', PackageSource: src }), 'EngineVersion'],
    ['S3BucketName too short', () => new CreatePackageCommand({ PackageName: 'abc', PackageType: 'TXT-DICTIONARY', PackageSource: { S3BucketName: 'ab', S3Key: 'k' } }), 'PackageSource.S3BucketName'],
    ['CommitMessage too long', () => new UpdatePackageCommand({ PackageID: 'F1', PackageSource: src, CommitMessage: 'c'.repeat(161) }), 'CommitMessage'],
    ['PackageID pattern', () => new UpdatePackageCommand({ PackageID: 'X1', PackageSource: src }), 'PackageID'],
    ['PackageSource missing', () => new UpdatePackageCommand({ PackageID: 'F1' } as never), 'PackageSource'],
    ['filter value pattern', () => new DescribePackagesCommand({ Filters: [{ Name: 'PackageName', Value: ['a b'] }] }), 'Filters.0.Value'],
    ['MaxResults over 100', () => new DescribePackagesCommand({ MaxResults: 101 }), 'MaxResults'],
    ['DomainName pattern', () => new AssociatePackageCommand({ PackageID: 'F1', DomainName: 'Domain' }), 'DomainName'],
    ['ZIP-PLUGIN needs EngineVersion', () => new CreatePackageCommand({ PackageName: 'abc', PackageType: 'ZIP-PLUGIN', PackageSource: src }), 'EngineVersion'],
  ];
  it.each(cases)('%s → ValidationException 400', async (_, command, member) => {
    const e = await failure(os.send(command() as never));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ValidationException', 400]);
    expect(e.message).toContain(`'${member}'`);
  });

  it('unknown package → ResourceNotFoundException 409 (as modelled)', async () => {
    const e = await failure(os.send(new UpdatePackageCommand({ PackageID: 'F999999999999', PackageSource: src })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ResourceNotFoundException', 409]);
    const h = await failure(os.send(new GetPackageVersionHistoryCommand({ PackageID: 'F999999999999' })));
    expect(h.name).toBe('ResourceNotFoundException');
  });

  it('an existing name → ResourceAlreadyExistsException 409', async () => {
    await createDictionary('dupe');
    const e = await failure(os.send(new CreatePackageCommand({ PackageName: 'dupe', PackageType: 'TXT-DICTIONARY', PackageSource: src })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ResourceAlreadyExistsException', 409]);
  });
});

describe('OpenSearch stand-in: zero timing', () => {
  it('is AVAILABLE at once with copyingMs = validatingMs = 0', async () => {
    const instant = await startTwin({ opensearchTiming: { copyingMs: 0, validatingMs: 0 } });
    try {
      instant.s3.createBucket('b-instant');
      instant.s3.putObject('b-instant', 'd.txt', 'x');
      const c = clients(instant).os;
      const { PackageDetails } = await c.send(
        new CreatePackageCommand({ PackageName: 'instant', PackageType: 'TXT-DICTIONARY', PackageSource: { S3BucketName: 'b-instant', S3Key: 'd.txt' } }),
      );
      expect([PackageDetails!.PackageStatus, PackageDetails!.AvailablePackageVersion]).toEqual(['AVAILABLE', 'v1']);
      c.destroy();
    } finally {
      await instant.close();
    }
  });
});
