import { CreateJobCommand, DescribeJobCommand, UpdateIndexingConfigurationCommand, UpdatePackageConfigurationCommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetReport, renderFleet, versionField } from '../../lib/operations/fleet';
import { startTwin, type Twin } from '../../local/twin';
import { DOCUMENT, fleetClients, groupArn, packageVersion } from '../twin/fleet-helpers';
import { waitFor } from '../twin/helpers';

/** `pkgrelease fleet <package>` against the twin's fleet index, through the real SDK. */
let twin: Twin;
let iot: ReturnType<typeof fleetClients>['iot'];

beforeAll(async () => {
  twin = await startTwin({
    seed: 3,
    timeScale: 0.001,
    devices: [
      { group: 'canary', count: 10, outcomes: { fail: 0.3 }, durationSeconds: 30 },
      { group: 'fleet', count: 20, durationSeconds: 100_000 },
    ],
  });
  ({ iot } = fleetClients(twin));
  await iot.send(new UpdatePackageConfigurationCommand({ versionUpdateByJobsConfig: { enabled: true, roleArn: 'arn:aws:iam::000000000000:role/package-shadow' } }));
  await iot.send(
    new UpdateIndexingConfigurationCommand({
      thingIndexingConfiguration: { thingIndexingMode: 'REGISTRY_AND_SHADOW', namedShadowIndexingMode: 'ON', filter: { namedShadowNames: ['$package'] }, customFields: [{ name: versionField('agent'), type: 'String' }] },
    }),
  );
  const v1 = await packageVersion(iot, 'agent', '1.0.0');
  await iot.send(new CreateJobCommand({ jobId: 'agent-1_0_0-canary-0123456789', targets: [groupArn(twin, 'canary')], document: DOCUMENT, destinationPackageVersions: [v1] }));
  await waitFor(async () => (await iot.send(new DescribeJobCommand({ jobId: 'agent-1_0_0-canary-0123456789' }))).job!, (j) => j.status === 'COMPLETED', 5000);
  // A fleet stage whose devices take (simulated) days: in progress while the view is read.
  await iot.send(new CreateJobCommand({ jobId: 'agent-1_0_0-fleet-0123456789', targets: [groupArn(twin, 'fleet')], document: DOCUMENT, destinationPackageVersions: [v1] }));
  await iot.send(new CreateJobCommand({ jobId: 'other-job', targets: [groupArn(twin, 'fleet')], document: DOCUMENT }));
});
afterAll(async () => {
  iot.destroy();
  await twin.close();
});

describe('fleet view', () => {
  it('counts the devices on each version and those on none, and lists the package’s rollout jobs in progress', async () => {
    await waitFor(async () => (await iot.send(new DescribeJobCommand({ jobId: 'agent-1_0_0-fleet-0123456789' }))).job!, (j) => (j.jobProcessDetails?.numberOfInProgressThings ?? 0) === 20, 5000);
    const report = await fleetReport(iot, 'agent');
    expect(report).toMatchObject({ packageName: 'agent', query: '*', things: 30, versions: { '1.0.0': 7 }, withoutVersion: 23 });
    expect(report.rollouts).toEqual([{ jobId: 'agent-1_0_0-fleet-0123456789', status: 'IN_PROGRESS', counts: expect.objectContaining({ inProgress: 20 }) }]);
    const text = renderFleet(report);
    expect(text).toContain('agent: 30 device(s) matching *');
    expect(text).toMatch(/^1\.0\.0\s+7$/m);
    expect(text).toMatch(/^\(none\)\s+23$/m);
    expect(text).toContain('agent-1_0_0-fleet-0123456789  IN_PROGRESS  20 inProgress');
  });

  it('one group: only its things', async () => {
    expect(await fleetReport(iot, 'agent', { group: 'canary' })).toMatchObject({ query: 'thingGroupNames:canary', things: 10, versions: { '1.0.0': 7 }, withoutVersion: 3 });
  });

  it('a package whose version field is not indexed: VersionFieldNotIndexed, saying which field to add', async () => {
    await expect(fleetReport(iot, 'unknown')).rejects.toMatchObject({ name: 'VersionFieldNotIndexed', message: expect.stringContaining('add the String custom field shadow.name.$package.reported.unknown.version') });
  });
});
