import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AssociatePackageCommand,
  AssociatePackagesCommand,
  CreatePackageCommand,
  DeletePackageCommand,
  DescribePackagesCommand,
  DissociatePackageCommand,
  DissociatePackagesCommand,
  ListDomainsForPackageCommand,
  ListPackagesForDomainCommand,
  type OpenSearchClient,
  UpdatePackageCommand,
  type DomainPackageDetails,
} from '@aws-sdk/client-opensearch';
import { faultRuleSchema, startTwin, type Twin } from '../../local/twin';
import { clients, failure, sleep, waitFor } from './helpers';

/** Imports take 20 + 20 ms; associations 200 ms, so a test sees ASSOCIATING right after the call even on a busy machine. */
const TIMING = { copyingMs: 20, validatingMs: 20, associatingMs: 200 };
const BUCKET = 'domain-src';
const ENGINE = 'OpenSearch_2.13';

let twin: Twin;
let os: OpenSearchClient;
let n = 0;

beforeAll(async () => {
  twin = await startTwin({ seed: 21, opensearchTiming: TIMING, domains: [{ name: 'search-a', engineVersion: ENGINE }, { name: 'search-b', engineVersion: ENGINE }] });
  os = clients(twin).os;
  twin.s3.createBucket(BUCKET);
  twin.s3.putObject(BUCKET, 'v1.txt', 'one\n');
  twin.s3.putObject(BUCKET, 'v2.txt', 'two\n');
  twin.s3.putObject(BUCKET, 'plugin.zip', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(8)]));
});
afterAll(async () => {
  os.destroy();
  await twin.close();
});
beforeEach(() => twin.setFaults([]));

const src = (key: string) => ({ S3BucketName: BUCKET, S3Key: key });

async function available(id: string): Promise<void> {
  await waitFor(
    () => os.send(new DescribePackagesCommand({ Filters: [{ Name: 'PackageID', Value: [id] }] })),
    (r) => r.PackageDetailsList?.[0]?.PackageStatus === 'AVAILABLE',
  );
}

/** A fresh AVAILABLE dictionary package (v1) and a fresh domain for it. */
async function fixture(): Promise<{ id: string; name: string; domain: string }> {
  n++;
  const name = `dict-${n}`;
  const domain = `dom-${n}`;
  twin.createDomain({ name: domain, engineVersion: ENGINE });
  const { PackageDetails } = await os.send(new CreatePackageCommand({ PackageName: name, PackageType: 'TXT-DICTIONARY', PackageSource: src('v1.txt') }));
  await available(PackageDetails!.PackageID!);
  return { id: PackageDetails!.PackageID!, name, domain };
}

const onDomain = async (domain: string, id: string): Promise<DomainPackageDetails | undefined> =>
  (await os.send(new ListPackagesForDomainCommand({ DomainName: domain }))).DomainPackageDetailsList?.find((d) => d.PackageID === id);

const settledOn = (domain: string, id: string) =>
  waitFor(() => onDomain(domain, id), (d) => d !== undefined && d.DomainPackageStatus !== 'ASSOCIATING' && d.DomainPackageStatus !== 'DISSOCIATING');

describe('domains: association lifecycle', () => {
  it('ASSOCIATING → ACTIVE with the available version; LastUpdated moves with the status; the timeline records it', async () => {
    const { id, name, domain } = await fixture();
    const { DomainPackageDetails: started } = await os.send(new AssociatePackageCommand({ PackageID: id, DomainName: domain }));
    expect(started).toMatchObject({ PackageID: id, PackageName: name, DomainName: domain, DomainPackageStatus: 'ASSOCIATING', PackageVersion: 'v1', ReferencePath: `analyzers/${id}` });
    const active = await settledOn(domain, id);
    expect(active).toMatchObject({ DomainPackageStatus: 'ACTIVE', PackageVersion: 'v1' });
    expect(active!.LastUpdated!.getTime() - started!.LastUpdated!.getTime()).toBe(TIMING.associatingMs);

    const view = twin.catalog().domains[domain]!;
    expect(view.packages[name]).toEqual({ id, runs: 'v1', status: 'ACTIVE' });
    expect(view.timeline.map((t) => [t.package, t.version])).toEqual([[name, 'v1']]);
  });

  it('a domain keeps its version after UpdatePackage until it is associated again; per-domain versions differ', async () => {
    const { id, name, domain } = await fixture();
    twin.createDomain({ name: `${domain}-x`, engineVersion: ENGINE });
    await os.send(new AssociatePackageCommand({ PackageID: id, DomainName: domain }));
    await os.send(new AssociatePackageCommand({ PackageID: id, DomainName: `${domain}-x` }));
    await settledOn(domain, id);
    await settledOn(`${domain}-x`, id);
    await os.send(new UpdatePackageCommand({ PackageID: id, PackageSource: src('v2.txt'), CommitMessage: 'second' }));
    await available(id);
    expect((await onDomain(domain, id))?.PackageVersion).toBe('v1');

    await os.send(new AssociatePackageCommand({ PackageID: id, DomainName: domain }));
    const during = twin.catalog().domains[domain]!.packages[name];
    expect(during).toMatchObject({ runs: 'v1', status: 'ASSOCIATING', pending: 'v2' });
    expect(await settledOn(domain, id)).toMatchObject({ DomainPackageStatus: 'ACTIVE', PackageVersion: 'v2' });

    const listed = await os.send(new ListDomainsForPackageCommand({ PackageID: id }));
    expect(Object.fromEntries(listed.DomainPackageDetailsList!.map((d) => [d.DomainName, d.PackageVersion]))).toEqual({ [domain]: 'v2', [`${domain}-x`]: 'v1' });
    expect(twin.catalog().domains[domain]!.timeline.map((t) => [t.version, t.commitMessage])).toEqual([['v1', null], ['v2', 'second']]);
  });

  it('associating the version a domain already runs → ConflictException "Package is already in desired state"', async () => {
    const { id, domain } = await fixture();
    await os.send(new AssociatePackageCommand({ PackageID: id, DomainName: domain }));
    await settledOn(domain, id);
    const e = await failure(os.send(new AssociatePackageCommand({ PackageID: id, DomainName: domain })));
    expect([e.name, e.$metadata.httpStatusCode, e.message]).toEqual(['ConflictException', 409, 'Package is already in desired state']);
  });

  it('one package operation at a time per domain: another one while ASSOCIATING → ConflictException', async () => {
    const { id, domain } = await fixture();
    await os.send(new AssociatePackageCommand({ PackageID: id, DomainName: domain }));
    const e = await failure(os.send(new AssociatePackageCommand({ PackageID: id, DomainName: domain })));
    expect([e.name, e.message]).toEqual(['ConflictException', expect.stringContaining('processing another package operation')]);
  });

  it('an unknown domain → ResourceNotFoundException (409, as modelled) for every domain operation', async () => {
    const { id } = await fixture();
    for (const call of [
      () => os.send(new AssociatePackageCommand({ PackageID: id, DomainName: 'no-such-domain' })),
      () => os.send(new ListPackagesForDomainCommand({ DomainName: 'no-such-domain' })),
      () => os.send(new DissociatePackageCommand({ PackageID: id, DomainName: 'no-such-domain' })),
      () => os.send(new AssociatePackagesCommand({ DomainName: 'no-such-domain', PackageList: [{ PackageID: id }] })),
    ]) {
      const e = await failure(call());
      expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ResourceNotFoundException', 409]);
    }
  });
});

describe('domains: failure, dissociation, delete', () => {
  it('associationFailed fault: ASSOCIATION_FAILED with ErrorDetails; the domain keeps running its version; a retry succeeds', async () => {
    const { id, name, domain } = await fixture();
    await os.send(new AssociatePackageCommand({ PackageID: id, DomainName: domain }));
    await settledOn(domain, id);
    await os.send(new UpdatePackageCommand({ PackageID: id, PackageSource: src('v2.txt') }));
    await available(id);

    twin.setFaults([{ operation: 'es:AssociatePackage', kind: 'associationFailed', times: 1 }]);
    const { DomainPackageDetails: started } = await os.send(new AssociatePackageCommand({ PackageID: id, DomainName: domain }));
    expect(started?.DomainPackageStatus).toBe('ASSOCIATING'); // the call itself succeeds
    const failed = await settledOn(domain, id);
    expect(failed).toMatchObject({ DomainPackageStatus: 'ASSOCIATION_FAILED', PackageVersion: 'v2', ErrorDetails: { ErrorType: 'PACKAGE_ASSOCIATION_FAILED' } });
    expect(twin.catalog().domains[domain]!.packages[name]).toMatchObject({ runs: 'v1', status: 'ASSOCIATION_FAILED', pending: 'v2' });

    await os.send(new AssociatePackageCommand({ PackageID: id, DomainName: domain }));
    expect(await settledOn(domain, id)).toMatchObject({ DomainPackageStatus: 'ACTIVE', PackageVersion: 'v2' });
    expect((await onDomain(domain, id))?.ErrorDetails).toBeUndefined();
    expect(twin.catalog().domains[domain]!.timeline.map((t) => t.version)).toEqual(['v1', 'v2']);
  });

  it('the associationFailed kind only applies to AssociatePackage(s)', () => {
    expect(faultRuleSchema.safeParse({ operation: 'es:AssociatePackages', kind: 'associationFailed' }).success).toBe(true);
    const bad = faultRuleSchema.safeParse({ operation: 'es:*', kind: 'associationFailed' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain('es:AssociatePackage');
  });

  it('DISSOCIATING, then gone; DeletePackage is refused while the package is associated or dissociating', async () => {
    const { id, name, domain } = await fixture();
    await os.send(new AssociatePackageCommand({ PackageID: id, DomainName: domain }));
    await settledOn(domain, id);
    const blocked = await failure(os.send(new DeletePackageCommand({ PackageID: id })));
    expect([blocked.name, blocked.$metadata.httpStatusCode]).toEqual(['ConflictException', 409]);

    const { DomainPackageDetails: d } = await os.send(new DissociatePackageCommand({ PackageID: id, DomainName: domain }));
    expect(d?.DomainPackageStatus).toBe('DISSOCIATING');
    expect((await onDomain(domain, id))?.DomainPackageStatus).toBe('DISSOCIATING');
    expect((await failure(os.send(new DeletePackageCommand({ PackageID: id })))).name).toBe('ConflictException');

    await waitFor(() => onDomain(domain, id), (x) => x === undefined);
    expect(twin.catalog().domains[domain]!.packages[name]).toBeUndefined();
    expect((await os.send(new DeletePackageCommand({ PackageID: id }))).PackageDetails?.PackageStatus).toBe('DELETING');
  });

  it('AssociatePackages / DissociatePackages act on each listed package', async () => {
    const a = await fixture();
    const b = await fixture();
    const { DomainPackageDetailsList: list } = await os.send(new AssociatePackagesCommand({ DomainName: a.domain, PackageList: [{ PackageID: a.id }, { PackageID: b.id }] }));
    expect(list?.map((d) => [d.PackageID, d.DomainPackageStatus])).toEqual([[a.id, 'ASSOCIATING'], [b.id, 'ASSOCIATING']]);
    await sleep(TIMING.associatingMs + 10);
    const out = await os.send(new DissociatePackagesCommand({ DomainName: a.domain, PackageList: [a.id, b.id] }));
    expect(out.DomainPackageDetailsList?.map((d) => d.DomainPackageStatus)).toEqual(['DISSOCIATING', 'DISSOCIATING']);
  });
});

describe('domains: ZIP-PLUGIN and package ID forms', () => {
  it('a ZIP-PLUGIN associates only with a domain of its engine version, and takes longer (blue/green)', async () => {
    const { PackageDetails } = await os.send(new CreatePackageCommand({ PackageName: 'plugin-eng', PackageType: 'ZIP-PLUGIN', EngineVersion: ENGINE, PackageSource: src('plugin.zip') }));
    const id = PackageDetails!.PackageID!;
    await available(id);
    twin.createDomain({ name: 'old-engine', engineVersion: 'OpenSearch_2.11' });
    const e = await failure(os.send(new AssociatePackageCommand({ PackageID: id, DomainName: 'old-engine' })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ValidationException', 400]);
    const { DomainPackageDetails: started } = await os.send(new AssociatePackageCommand({ PackageID: id, DomainName: 'search-a' }));
    // A plugin association is a blue/green deployment: 5 × associatingMs unless configured.
    await sleep(TIMING.associatingMs + 50);
    expect((await onDomain('search-a', id))?.DomainPackageStatus).toBe('ASSOCIATING');
    const active = await settledOn('search-a', id);
    expect(active!.LastUpdated!.getTime() - started!.LastUpdated!.getTime()).toBe(5 * TIMING.associatingMs);
  });

  it('issues pkg- + hex IDs when told to, and every operation accepts them; domains persist with the state dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-domains-'));
    try {
      const first = await startTwin({ stateDir: dir, packageIdForm: 'pkg', opensearchTiming: { copyingMs: 0, validatingMs: 0, associatingMs: 0 } });
      const c = clients(first).os;
      first.s3.createBucket('b-pkg');
      first.s3.putObject('b-pkg', 'd.txt', 'x');
      const { PackageDetails } = await c.send(new CreatePackageCommand({ PackageName: 'hexid', PackageType: 'TXT-DICTIONARY', PackageSource: { S3BucketName: 'b-pkg', S3Key: 'd.txt' } }));
      expect(PackageDetails!.PackageID).toMatch(/^pkg-[a-f0-9]{20}$/);
      first.createDomain({ name: 'hex-domain', engineVersion: ENGINE }, ['hexid']);
      expect((await c.send(new ListDomainsForPackageCommand({ PackageID: PackageDetails!.PackageID! }))).DomainPackageDetailsList?.[0]).toMatchObject({ DomainName: 'hex-domain', DomainPackageStatus: 'ACTIVE', PackageVersion: 'v1' });
      const catalog = first.catalog();
      c.destroy();
      await first.close();

      const second = await startTwin({ stateDir: dir });
      try {
        expect(second.catalog().domains).toEqual(catalog.domains);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
