import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AssociatePackageCommand,
  CreatePackageCommand,
  DescribeDomainCommand,
  DescribeDomainsCommand,
  DescribePackagesCommand,
  ListDomainNamesCommand,
  ListPackagesForDomainCommand,
  type OpenSearchClient,
} from '@aws-sdk/client-opensearch';
import { startTwin, type Twin } from '../../local/twin';
import { clients, failure, waitFor } from './helpers';

/** DescribeDomain, DescribeDomains, ListDomainNames and ListPackagesForDomain paging, with the SDK v3. */
let twin: Twin;
let os: OpenSearchClient;
const BUCKET = 'domain-api-src';

beforeAll(async () => {
  twin = await startTwin({
    seed: 23,
    opensearchTiming: { copyingMs: 5, validatingMs: 5, associatingMs: 5, pluginAssociatingMs: 400 },
    domains: [
      { name: 'search-prod', engineVersion: 'OpenSearch_2.13' },
      { name: 'legacy-logs', engineVersion: 'Elasticsearch_7.10' },
    ],
  });
  os = clients(twin).os;
  twin.s3.createBucket(BUCKET);
  twin.s3.putObject(BUCKET, 'a.txt', 'a\n');
  twin.s3.putObject(BUCKET, 'plugin.zip', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(8)]));
  for (const name of ['dict-one', 'dict-two']) {
    const { PackageDetails } = await os.send(new CreatePackageCommand({ PackageName: name, PackageType: 'TXT-DICTIONARY', PackageSource: { S3BucketName: BUCKET, S3Key: 'a.txt' } }));
    await waitFor(() => os.send(new DescribePackagesCommand({ Filters: [{ Name: 'PackageID', Value: [PackageDetails!.PackageID!] }] })), (r) => r.PackageDetailsList?.[0]?.PackageStatus === 'AVAILABLE');
  }
  twin.createDomain({ name: 'search-prod', engineVersion: 'OpenSearch_2.13' }, ['dict-one', 'dict-two']);
});
afterAll(async () => {
  os.destroy();
  await twin.close();
});

describe('OpenSearch domain reads', () => {
  it('DescribeDomain: the DomainStatus the model requires (DomainId, DomainName, ARN, ClusterConfig), engine, endpoint, not processing', async () => {
    const { DomainStatus: d } = await os.send(new DescribeDomainCommand({ DomainName: 'search-prod' }));
    expect(d).toMatchObject({
      DomainId: `${twin.accountId}/search-prod`,
      DomainName: 'search-prod',
      ARN: `arn:aws:es:${twin.region}:${twin.accountId}:domain/search-prod`,
      Created: true,
      Deleted: false,
      Processing: false,
      EngineVersion: 'OpenSearch_2.13',
      DomainProcessingStatus: 'Active',
      ClusterConfig: { InstanceCount: 1 },
    });
    expect(d!.Endpoint).toMatch(new RegExp(`^search-search-prod-[0-9a-z]{26}\\.${twin.region}\\.es\\.amazonaws\\.com$`));
  });

  it('DescribeDomain of an unknown domain: ResourceNotFoundException (409, as modelled); a malformed name: ValidationException 400', async () => {
    const missing = await failure(os.send(new DescribeDomainCommand({ DomainName: 'no-such-domain' })));
    expect([missing.name, missing.$metadata.httpStatusCode, missing.message]).toEqual(['ResourceNotFoundException', 409, 'Domain not found: no-such-domain']);
    const bad = await failure(os.send(new DescribeDomainCommand({ DomainName: 'Bad_Name' })));
    expect([bad.name, bad.$metadata.httpStatusCode]).toEqual(['ValidationException', 400]);
  });

  it('DescribeDomains: the domains that exist, in the order asked; an empty list or more than five names: ValidationException', async () => {
    const { DomainStatusList } = await os.send(new DescribeDomainsCommand({ DomainNames: ['legacy-logs', 'no-such-domain', 'search-prod'] }));
    expect(DomainStatusList!.map((d) => [d.DomainName, d.EngineVersion])).toEqual([
      ['legacy-logs', 'Elasticsearch_7.10'],
      ['search-prod', 'OpenSearch_2.13'],
    ]);
    for (const DomainNames of [[], ['aaa', 'bbb', 'ccc', 'ddd', 'eee', 'fff']]) {
      const e = await failure(os.send(new DescribeDomainsCommand({ DomainNames })));
      expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ValidationException', 400]);
    }
  });

  it('ListDomainNames: every domain with its EngineType; engineType filters; an unknown engineType: ValidationException', async () => {
    const all = await os.send(new ListDomainNamesCommand({}));
    expect(all.DomainNames).toEqual([
      { DomainName: 'search-prod', EngineType: 'OpenSearch' },
      { DomainName: 'legacy-logs', EngineType: 'Elasticsearch' },
    ]);
    const es = await os.send(new ListDomainNamesCommand({ EngineType: 'Elasticsearch' }));
    expect(es.DomainNames).toEqual([{ DomainName: 'legacy-logs', EngineType: 'Elasticsearch' }]);
    const e = await failure(os.send(new ListDomainNamesCommand({ EngineType: 'Solr' as never })));
    expect(e.name).toBe('ValidationException');
  });

  it('ListPackagesForDomain with MaxResults 1 on a domain with two packages: one package and a NextToken, then the other and none', async () => {
    const first = await os.send(new ListPackagesForDomainCommand({ DomainName: 'search-prod', MaxResults: 1 }));
    expect(first.DomainPackageDetailsList).toHaveLength(1);
    expect(first.NextToken).toBeTruthy();
    const second = await os.send(new ListPackagesForDomainCommand({ DomainName: 'search-prod', MaxResults: 1, NextToken: first.NextToken }));
    expect(second.DomainPackageDetailsList).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
    expect([first, second].map((p) => p.DomainPackageDetailsList![0]!.PackageName).sort()).toEqual(['dict-one', 'dict-two']);
  });

  it('while a ZIP-PLUGIN is being associated (blue/green), the domain is Processing and Modifying; Active again once it is done', async () => {
    twin.createDomain({ name: 'plugin-host', engineVersion: 'OpenSearch_2.13' });
    const { PackageDetails } = await os.send(
      new CreatePackageCommand({ PackageName: 'my-plugin', PackageType: 'ZIP-PLUGIN', EngineVersion: 'OpenSearch_2.13', PackageSource: { S3BucketName: BUCKET, S3Key: 'plugin.zip' } }),
    );
    const id = PackageDetails!.PackageID!;
    await waitFor(() => os.send(new DescribePackagesCommand({ Filters: [{ Name: 'PackageID', Value: [id] }] })), (r) => r.PackageDetailsList?.[0]?.PackageStatus === 'AVAILABLE');
    await os.send(new AssociatePackageCommand({ PackageID: id, DomainName: 'plugin-host' }));
    const during = (await os.send(new DescribeDomainCommand({ DomainName: 'plugin-host' }))).DomainStatus!;
    expect([during.Processing, during.DomainProcessingStatus]).toEqual([true, 'Modifying']);
    const after = await waitFor(() => os.send(new DescribeDomainCommand({ DomainName: 'plugin-host' })), (r) => r.DomainStatus?.Processing === false);
    expect(after.DomainStatus!.DomainProcessingStatus).toBe('Active');
  });
});
