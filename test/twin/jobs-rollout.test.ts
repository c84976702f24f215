import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateJobCommand, DescribeJobCommand, GetBucketsAggregationCommand, GetPackageConfigurationCommand, type IoTClient, SearchIndexCommand, UpdateIndexingConfigurationCommand, UpdatePackageConfigurationCommand } from '@aws-sdk/client-iot';
import { GetThingShadowCommand, type IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { startTwin, type Twin } from '../../local/twin';
import { failure, waitFor } from './helpers';
import { DOCUMENT, fleetClients, groupArn, packageVersion } from './fleet-helpers';

let twin: Twin;
let iot: IoTClient;
let data: IoTDataPlaneClient;
let v1: string;

const VERSION_FIELD = 'shadow.name.$package.reported.agent.version';

beforeAll(async () => {
  twin = await startTwin({
    seed: 11,
    timeScale: 0.001,
    devices: [
      { group: 'canary', count: 10, outcomes: { fail: 0.3 }, durationSeconds: 30 },
      { group: 'fleet', count: 200, durationSeconds: 30 },
    ],
  });
  ({ iot, data } = fleetClients(twin));
  v1 = await packageVersion(iot, 'agent', '1.0.0');
  // The catalog needs thing indexing (on by default); the first test looks at an account without it.
  await iot.send(new UpdateIndexingConfigurationCommand({ thingIndexingConfiguration: { thingIndexingMode: 'OFF' } }));
});
afterAll(async () => {
  iot.destroy();
  data.destroy();
  await twin.close();
});

const shadowOf = async (thingName: string) => {
  const out = await data.send(new GetThingShadowCommand({ thingName, shadowName: '$package' }));
  return JSON.parse(new TextDecoder().decode(out.payload)) as { state: { reported: Record<string, { version: string }> }; version: number };
};

describe('a staged rollout on simulated devices', () => {
  it('the fleet index does not exist while thing indexing is OFF', async () => {
    const err = await failure(iot.send(new SearchIndexCommand({ queryString: 'thingGroupNames:fleet' })));
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.message).toContain('AWS_Things');
  });

  it('canary: 10 devices, 3 fail, abort at 20 % of 10 notified → the job is CANCELED with the counts', async () => {
    await iot.send(
      new CreateJobCommand({
        jobId: 'agent-1_0_0-canary',
        targets: [groupArn(twin, 'canary')],
        document: DOCUMENT,
        destinationPackageVersions: [v1],
        abortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 20, minNumberOfExecutedThings: 10 }] },
      }),
    );
    const job = await waitFor(async () => (await iot.send(new DescribeJobCommand({ jobId: 'agent-1_0_0-canary' }))).job!, (j) => j.status !== 'IN_PROGRESS', 5000);
    expect(job.status).toBe('CANCELED');
    expect(job.reasonCode).toBe('ABORT_CRITERIA_MET');
    expect(job.comment).toContain('of 10 notified things');
    const d = job.jobProcessDetails!;
    expect(d.numberOfFailedThings).toBeGreaterThanOrEqual(2);
    const total = ['numberOfSucceededThings', 'numberOfFailedThings', 'numberOfCanceledThings', 'numberOfInProgressThings', 'numberOfQueuedThings'].reduce((n, k) => n + ((d as Record<string, number>)[k] ?? 0), 0);
    expect(total).toBe(10);
    // Devices still running when the job was canceled (not forced) finish; nobody else starts.
    await new Promise((r) => setTimeout(r, 100));
    const after = (await iot.send(new DescribeJobCommand({ jobId: 'agent-1_0_0-canary' }))).job!.jobProcessDetails!;
    expect(after.numberOfFailedThings).toBeLessThanOrEqual(3);
    expect(after.numberOfQueuedThings).toBe(0);
  });

  it('fleet: 200 succeeding devices → 200 $package shadows on the version, and the aggregation shows 200', async () => {
    await iot.send(new UpdatePackageConfigurationCommand({ versionUpdateByJobsConfig: { enabled: true, roleArn: 'arn:aws:iam::000000000000:role/package-shadow' } }));
    expect((await iot.send(new GetPackageConfigurationCommand({}))).versionUpdateByJobsConfig).toEqual({ enabled: true, roleArn: 'arn:aws:iam::000000000000:role/package-shadow' });
    await iot.send(
      new UpdateIndexingConfigurationCommand({
        thingIndexingConfiguration: { thingIndexingMode: 'REGISTRY_AND_SHADOW', namedShadowIndexingMode: 'ON', filter: { namedShadowNames: ['$package'] }, customFields: [{ name: VERSION_FIELD, type: 'String' }] },
      }),
    );
    await iot.send(new CreateJobCommand({ jobId: 'agent-1_0_0-fleet', targets: [groupArn(twin, 'fleet')], document: DOCUMENT, destinationPackageVersions: [v1], jobExecutionsRolloutConfig: { maximumPerMinute: 100 } }));
    const job = await waitFor(async () => (await iot.send(new DescribeJobCommand({ jobId: 'agent-1_0_0-fleet' }))).job!, (j) => j.status === 'COMPLETED', 10_000);
    expect(job.jobProcessDetails?.numberOfSucceededThings).toBe(200);

    expect((await shadowOf('fleet-17')).state.reported).toEqual({ agent: { version: '1.0.0' } });
    const agg = await iot.send(new GetBucketsAggregationCommand({ queryString: 'thingGroupNames:fleet', aggregationField: VERSION_FIELD, bucketsAggregationType: { termsAggregation: { maxBuckets: 10 } } }));
    expect(agg).toMatchObject({ totalCount: 200, buckets: [{ keyValue: '1.0.0', count: 200 }] });
    const all = await iot.send(new GetBucketsAggregationCommand({ queryString: '*', aggregationField: VERSION_FIELD, bucketsAggregationType: { termsAggregation: {} } }));
    // The canary's successful devices report 1.0.0 too; its failed ones have no $package shadow.
    expect(all.totalCount).toBe(210);
    expect(all.buckets?.[0]?.count).toBeGreaterThanOrEqual(200);
  });

  it('SearchIndex answers the fleet view queries page by page, the shadow in each document', async () => {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await iot.send(new SearchIndexCommand({ queryString: `${VERSION_FIELD}:1.0.0 AND thingGroupNames:fleet`, maxResults: 100, nextToken }));
      names.push(...(page.things ?? []).map((t) => t.thingName!));
      if (names.length === 100) expect(JSON.parse(page.things![0]!.shadow!)).toMatchObject({ name: { $package: { reported: { agent: { version: '1.0.0' } } } } });
      nextToken = page.nextToken;
    } while (nextToken);
    expect(new Set(names).size).toBe(200);
    const notOnIt = await iot.send(new SearchIndexCommand({ queryString: `thingGroupNames:canary AND NOT ${VERSION_FIELD}:*` }));
    expect(notOnIt.things?.length).toBeGreaterThanOrEqual(2);
    const bad = await failure(iot.send(new SearchIndexCommand({ queryString: '(thingGroupNames:fleet' })));
    expect(bad.name).toBe('InvalidQueryException');
    const undeclared = await failure(iot.send(new GetBucketsAggregationCommand({ queryString: '*', aggregationField: 'shadow.name.$package.reported.other.version', bucketsAggregationType: { termsAggregation: {} } })));
    expect(undeclared.name).toBe('InvalidAggregationException');
    const all = await iot.send(new GetBucketsAggregationCommand({ queryString: '*', aggregationField: VERSION_FIELD, bucketsAggregationType: { termsAggregation: {} } }));
    expect(twin.fleet().versions).toEqual({ agent: { '1.0.0': all.buckets![0]!.count } });
    expect(twin.fleet().jobs['agent-1_0_0-canary']).toMatchObject({ status: 'CANCELED', reasonCode: 'ABORT_CRITERIA_MET', packageVersions: ['agent@1.0.0'] });
  });
});
