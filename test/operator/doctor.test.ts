import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetIndexingConfigurationCommand, IoTClient, type ThingIndexingConfiguration, UpdateIndexingConfigurationCommand } from '@aws-sdk/client-iot';
import { DescribeDomainCommand, DescribePackagesCommand, OpenSearchClient } from '@aws-sdk/client-opensearch';
import { GetBucketVersioningCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderDoctor } from '../../cli/operator/doctor';
import { runDoctor } from '../../lib/operations/doctor';
import { checkIndexing, fixIndexing, mergeIndexing } from '../../lib/operations/doctor/indexing';
import { checkOpenSearch } from '../../lib/operations/doctor/opensearch';
import { checkStack, checkTargets } from '../../lib/operations/doctor/stack';
import { awsError } from './aws-errors';

const iot = mockClient(IoTClient);
const cfn = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const ddb = mockClient(DynamoDBClient);
const os = mockClient(OpenSearchClient);
const clients = () => ({ iot: new IoTClient({}), cfn: new CloudFormationClient({}), s3: new S3Client({}), sfn: new SFNClient({}), dynamodb: new DynamoDBClient({}), opensearch: new OpenSearchClient({}) });
const FIX = 'pkgrelease doctor --stage prod --fix-indexing';
const machine = 'arn:aws:states:eu-west-1:123456789012:stateMachine:pkgrelease-prod-release';
const targets = { bucket: 'pkgrelease-prod-artifacts', stateMachineArn: machine, idempotencyTable: 'pkgrelease-prod-idempotency' };
const READY: ThingIndexingConfiguration = { thingIndexingMode: 'REGISTRY_AND_SHADOW', namedShadowIndexingMode: 'ON', filter: { namedShadowNames: ['$package'] } };

function healthyStack(): void {
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'pkgrelease-prod',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [
          { OutputKey: 'ArtifactBucketName', OutputValue: targets.bucket },
          { OutputKey: 'StateMachineArn', OutputValue: machine },
          { OutputKey: 'IdempotencyTableName', OutputValue: targets.idempotencyTable },
        ],
      },
    ],
  });
  s3.on(HeadBucketCommand).resolves({});
  s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
  sfn.on(ListExecutionsCommand).resolves({ executions: [] });
  ddb.on(DescribeTableCommand).resolves({ Table: { TableStatus: 'ACTIVE' } });
}

describe('doctor', () => {
  beforeEach(() => {
    for (const m of [iot, cfn, s3, sfn, ddb, os]) m.reset();
  });

  describe('fleet indexing', () => {
    it('is ok with thing indexing on, named shadows on and $package in the filter', async () => {
      iot.on(GetIndexingConfigurationCommand).resolves({ thingIndexingConfiguration: { ...READY, filter: { namedShadowNames: ['config', '$package'] } } });
      const [check] = await checkIndexing(new IoTClient({}), FIX);
      expect(check).toMatchObject({ name: 'fleet indexing', ok: true });
    });

    it('names every gap of a fresh account and the command that fixes it', async () => {
      iot.on(GetIndexingConfigurationCommand).resolves({ thingIndexingConfiguration: { thingIndexingMode: 'OFF' } });
      const [check] = await checkIndexing(new IoTClient({}), FIX);
      expect(check!.ok).toBe(false);
      expect(check!.detail).toMatch(/thingIndexingMode is OFF; namedShadowIndexingMode is OFF; filter.namedShadowNames has no \$package/);
      expect(check!.fix).toContain(FIX);
    });

    it('says that named shadows need REGISTRY_AND_SHADOW when thing indexing is REGISTRY', async () => {
      iot.on(GetIndexingConfigurationCommand).resolves({ thingIndexingConfiguration: { ...READY, thingIndexingMode: 'REGISTRY' } });
      const [check] = await checkIndexing(new IoTClient({}), FIX);
      expect(check).toMatchObject({ ok: false, detail: expect.stringMatching(/REGISTRY, and named shadows need REGISTRY_AND_SHADOW/) });
    });

    it('reports a refused read as not ok with the permission it needs, instead of failing', async () => {
      iot.on(GetIndexingConfigurationCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
      const [check] = await checkIndexing(new IoTClient({}), FIX);
      expect(check).toMatchObject({ ok: false, detail: expect.stringMatching(/AccessDeniedException/), fix: expect.stringMatching(/iot:GetIndexingConfiguration/) });
    });

    it('merges: keeps other shadows, geolocations, connectivity, Device Defender and custom fields; drops the read-only managed fields', () => {
      const current = {
        thingIndexingMode: 'REGISTRY',
        thingConnectivityIndexingMode: 'STATUS',
        deviceDefenderIndexingMode: 'VIOLATIONS',
        namedShadowIndexingMode: 'OFF',
        managedFields: [{ name: 'thingName', type: 'String' }],
        customFields: [{ name: 'attributes.model', type: 'String' }],
        filter: { namedShadowNames: ['config'], geoLocations: [{ name: 'shadow.reported.location', order: 'LatLon' }] },
      } as const;
      const { next, changes } = mergeIndexing(structuredClone(current) as never);
      expect(next).toEqual({
        thingIndexingMode: 'REGISTRY_AND_SHADOW',
        thingConnectivityIndexingMode: 'STATUS',
        deviceDefenderIndexingMode: 'VIOLATIONS',
        namedShadowIndexingMode: 'ON',
        customFields: [{ name: 'attributes.model', type: 'String' }],
        filter: { namedShadowNames: ['config', '$package'], geoLocations: [{ name: 'shadow.reported.location', order: 'LatLon' }] },
      });
      expect(changes).toEqual(['thingIndexingMode REGISTRY → REGISTRY_AND_SHADOW', 'namedShadowIndexingMode OFF → ON', 'filter.namedShadowNames ["config"] → ["config","$package"]']);
    });

    it('--fix-indexing sends only the thing indexing configuration, and nothing when it is already enough', async () => {
      iot.on(GetIndexingConfigurationCommand).resolvesOnce({ thingIndexingConfiguration: { thingIndexingMode: 'OFF' }, thingGroupIndexingConfiguration: { thingGroupIndexingMode: 'ON' } });
      iot.on(UpdateIndexingConfigurationCommand).resolves({});
      expect(await fixIndexing(new IoTClient({}))).toHaveLength(3);
      const sent = iot.commandCalls(UpdateIndexingConfigurationCommand)[0]!.args[0].input;
      expect(sent).toEqual({ thingIndexingConfiguration: READY });

      iot.on(GetIndexingConfigurationCommand).resolves({ thingIndexingConfiguration: READY });
      expect(await fixIndexing(new IoTClient({}))).toEqual([]);
      expect(iot.commandCalls(UpdateIndexingConfigurationCommand)).toHaveLength(1);
    });
  });

  describe('the stack', () => {
    it('finds bucket, state machine and table from the outputs and checks each', async () => {
      healthyStack();
      const { checks, targets: found } = await checkStack(new CloudFormationClient({}), 'pkgrelease-prod');
      expect(checks).toEqual([{ name: 'stack pkgrelease-prod', ok: true, detail: 'UPDATE_COMPLETE' }]);
      expect(found).toEqual(targets);
      const c = clients();
      expect((await checkTargets(c, targets)).map((x) => [x.name, x.ok])).toEqual([
        ['bucket pkgrelease-prod-artifacts', true],
        ['state machine pkgrelease-prod-release', true],
        ['table pkgrelease-prod-idempotency', true],
      ]);
      expect(sfn.commandCalls(ListExecutionsCommand)[0]!.args[0].input).toEqual({ stateMachineArn: machine, maxResults: 1 });
    });

    it('says what to do for a missing stack, an unversioned bucket, a missing machine and table', async () => {
      cfn.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id pkgrelease-prod does not exist'));
      const { checks, targets: none } = await checkStack(new CloudFormationClient({}), 'pkgrelease-prod');
      expect(none).toBeUndefined();
      expect(checks[0]).toMatchObject({ ok: false, detail: expect.stringMatching(/does not exist/), fix: expect.stringMatching(/serverless deploy/) });

      s3.on(HeadBucketCommand).resolves({});
      s3.on(GetBucketVersioningCommand).resolves({});
      sfn.on(ListExecutionsCommand).rejects(awsError('StateMachineDoesNotExist', 'State Machine Does Not Exist'));
      ddb.on(DescribeTableCommand).rejects(awsError('ResourceNotFoundException', 'Requested resource not found'));
      const [bucket, sm, table] = await checkTargets(clients(), targets);
      expect(bucket).toMatchObject({ ok: false, detail: expect.stringMatching(/versioning is off/), fix: expect.stringMatching(/put-bucket-versioning --bucket pkgrelease-prod-artifacts/) });
      expect(sm).toMatchObject({ ok: false, detail: expect.stringMatching(/does not exist/) });
      expect(table).toMatchObject({ ok: false, detail: expect.stringMatching(/does not exist/) });
    });
  });

  describe('OpenSearch', () => {
    const config = {
      packages: {
        'edge-agent': { opensearchPackage: 'edge-agent-dict', domains: ['search-prod', 'arn:aws:es:eu-west-1:123456789012:domain/search-eu'] },
        'edge-plugin': {},
      },
    };

    it('looks each configured package up by name and each named domain with DescribeDomain', async () => {
      os.on(DescribePackagesCommand, { Filters: [{ Name: 'PackageName', Value: ['edge-agent-dict'] }] }).resolves({
        PackageDetailsList: [{ PackageName: 'edge-agent-dict', PackageID: 'F1', PackageType: 'TXT-DICTIONARY', PackageStatus: 'AVAILABLE' }],
      });
      os.on(DescribePackagesCommand, { Filters: [{ Name: 'PackageName', Value: ['edge-plugin'] }] }).resolves({ PackageDetailsList: [] });
      os.on(DescribeDomainCommand, { DomainName: 'search-prod' }).resolves({ DomainStatus: { DomainName: 'search-prod', EngineVersion: 'OpenSearch_2.13' } as never });
      os.on(DescribeDomainCommand, { DomainName: 'search-eu' }).rejects(awsError('ResourceNotFoundException', 'Domain not found: search-eu'));
      const checks = await checkOpenSearch(new OpenSearchClient({}), config);
      expect(checks.map((c) => [c.name, c.ok])).toEqual([
        ['OpenSearch package edge-agent-dict', true],
        ['OpenSearch package edge-plugin', false],
        ['OpenSearch domain search-prod', true],
        ['OpenSearch domain search-eu', false],
      ]);
      expect(checks[1]!.fix).toMatch(/create-package --package-name edge-plugin/);
      expect(checks[3]!.detail).toMatch(/named in "domains" of edge-agent/);
    });
  });

  it('runDoctor: every check in one report, ok only when all are, and the fix said in the output', async () => {
    healthyStack();
    // Off for the first run's check and for the second run's read before its fix; on after the fix.
    const off = { thingIndexingConfiguration: { thingIndexingMode: 'OFF' as const } };
    iot.on(GetIndexingConfigurationCommand).resolvesOnce(off).resolvesOnce(off).resolves({ thingIndexingConfiguration: READY });
    iot.on(UpdateIndexingConfigurationCommand).resolves({});
    os.on(DescribePackagesCommand).resolves({ PackageDetailsList: [{ PackageName: 'edge-agent', PackageID: 'F1', PackageType: 'TXT-DICTIONARY', PackageStatus: 'AVAILABLE' }] });
    const opts = { target: { stackName: 'pkgrelease-prod' }, config: { packages: { 'edge-agent': {} } }, fixCommand: FIX };

    const before = await runDoctor(clients(), opts);
    expect(before.ok).toBe(false);
    expect(iot.commandCalls(UpdateIndexingConfigurationCommand)).toHaveLength(0);
    expect(renderDoctor(before)).toMatch(/^FIX {3}fleet indexing: thingIndexingMode is OFF/m);

    const fixed = await runDoctor(clients(), { ...opts, fixIndexing: true });
    expect(fixed.ok).toBe(true);
    expect(fixed.checks).toHaveLength(6);
    expect(renderDoctor(fixed)).toMatch(/^changed fleet indexing \(account-wide\): thingIndexingMode OFF → REGISTRY_AND_SHADOW/);
    expect(renderDoctor(fixed)).toMatch(/all 6 checks ok/);
  });
});
