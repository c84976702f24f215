import { createHash } from 'node:crypto';
import { IoTClient } from '@aws-sdk/client-iot';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { planRollback, startRollback } from '../../lib/operations/rollback';
import { rollbackMachineArn } from '../../lib/release/rollback/machine';
import type { RolloutSettings } from '../../lib/release/rollout/settings';
import type { ExecutionRecord } from '../../local/engine/executions';
import type { LocalReport, LocalSession } from '../../local/session';
import type { DeviceGroupSpec } from '../../local/twin';
import { DeleteItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { difference, domainRelease, executionFor, mutatingSucceeded, startSession } from './harness';
import { prepareAccount, versionSpread, withRollout } from './rollout-harness';

/**
 * Issue 21's Done-when, end to end through the real ASLs, handlers and SDK on the twin: release
 * 1.0.0 and a bad 1.1.0 to two domains and a two-stage fleet, roll back to 1.0.0 with the operator
 * code (StartExecution on the rollback state machine), then check every side; then 1.2.0 goes forward.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const DOMAINS = ['search-a', 'search-b'];
const BODIES = { '1.0.0': 'alpha\n', '1.1.0': 'alpha\nbad\n', '1.2.0': 'alpha\nfixed\n' } as const;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const ROLLOUT: RolloutSettings = {
  stages: [
    { name: 'canary', targets: ['canary'] },
    { name: 'fleet', targets: ['fleet'] },
  ],
  jobDocument: { document: { version: '1.0', steps: [{ action: { name: 'install', type: 'runHandler', input: { handler: 'install.sh' } } }] } },
};
const devices = (fleetFail = 0): DeviceGroupSpec[] => [
  { group: 'canary', count: 5, durationSeconds: 20 },
  { group: 'fleet', count: 20, outcomes: { fail: fleetFail }, durationSeconds: 20 },
];

async function fleetWithDomains(fleetFail = 0): Promise<{ live: LocalSession; iot: IoTClient }> {
  const live = await startSession({ config: withRollout(ROLLOUT), devices: devices(fleetFail) });
  session = live;
  for (const name of DOMAINS) await live.createDomain({ name, packages: ['edge-agent-dict'] });
  return { live, iot: await prepareAccount() };
}

async function release(live: LocalSession, version: keyof typeof BODIES): Promise<ExecutionRecord> {
  await live.upload(`releases/edge-agent/${version}/words.txt`, BODIES[version]);
  await live.settled();
  return executionFor(live, 'edge-agent', version);
}

/** What `pkgrelease rollback edge-agent --to <target>` does: plan (read only), then StartExecution on the rollback machine. */
async function rollBack(live: LocalSession, target: string): Promise<ExecutionRecord> {
  const iot = new IoTClient({});
  const planned = await planRollback({ packageName: 'edge-agent', targetVersion: target, requestedBy: 'oncall@example.com', reason: 'bad dictionary' }, { iot, s3: live.s3() });
  const started = await startRollback(new SFNClient({}), rollbackMachineArn(live.engine.stateMachineArn), planned);
  expect(started.status).toBe('started');
  await live.settled();
  iot.destroy();
  return live.rollbacks.get(planned.executionName)!;
}

/** Which release each side serves: the OpenSearch package's bytes, each domain, the catalog. */
function sides(report: LocalReport) {
  const pkg = report.catalog.opensearch['edge-agent-dict']!;
  const available = pkg.history.find((h) => h.version === pkg.availableVersion);
  const iot = report.catalog.iot['edge-agent']!;
  return {
    openSearchBytes: available?.source?.sha256,
    domains: Object.fromEntries(DOMAINS.map((d) => [d, { release: domainRelease(report, d, 'edge-agent-dict'), current: report.catalog.domains[d]?.packages['edge-agent-dict']?.runs === pkg.availableVersion }])),
    defaultVersion: iot.defaultVersion,
    statuses: Object.fromEntries(Object.entries(iot.versions).map(([v, s]) => [v, s.status])),
  };
}

/** Powertools' records expire (the table's TTL attribute); lease records, and the head in them, never do. */
async function expirePowertoolsRecords(live: LocalSession): Promise<void> {
  const db = new DynamoDBClient({});
  const { Items = [] } = await db.send(new ScanCommand({ TableName: live.twin.idempotencyTable }));
  for (const item of Items.filter((i) => i.expiration)) await db.send(new DeleteItemCommand({ TableName: live.twin.idempotencyTable, Key: { id: item.id! } }));
  db.destroy();
}

const onEveryDomain = (version: string) => Object.fromEntries(DOMAINS.map((d) => [d, { release: version, current: true }]));

describe('pkgrelease rollback, end to end', () => {
  it('1.0.0, bad 1.1.0, rollback to 1.0.0: default, DEPRECATED, OpenSearch bytes, domains and devices back on 1.0.0; a new run of 1.1.0 changes nothing; 1.2.0 goes forward', async () => {
    const { live, iot } = await fleetWithDomains();
    expect((await release(live, '1.0.0')).status).toBe('SUCCEEDED');
    expect((await release(live, '1.1.0')).status).toBe('SUCCEEDED');
    expect(sides(live.report())).toMatchObject({ openSearchBytes: sha256(BODIES['1.1.0']), domains: onEveryDomain('1.1.0'), defaultVersion: '1.1.0' });
    expect(await versionSpread(iot)).toEqual({ '1.1.0': 25 });

    const rollback = await rollBack(live, '1.0.0');
    expect(rollback.status, `${rollback.error}: ${rollback.cause}`).toBe('SUCCEEDED');
    expect(rollback.states.map((s) => s.name)).toEqual(['ValidateRollback', 'StartRollbackImport', 'ImportedOrSuperseded', 'RollBackCatalog', 'CheckRollbackImport', 'ApplyRollbackToDomains', 'CheckRollbackDomains', 'RollBackRollout', 'RolledBack']);
    expect(sides(live.report())).toEqual({
      openSearchBytes: sha256(BODIES['1.0.0']),
      domains: onEveryDomain('1.0.0'),
      defaultVersion: '1.0.0',
      statuses: { '1.0.0': 'PUBLISHED', '1.1.0': 'DEPRECATED' },
    });
    const commit = live.report().catalog.opensearch['edge-agent-dict']!.history.at(-1)!.commitMessage;
    expect(commit).toMatch(/^pkgrelease v=1\.0\.0 t=\w{16} p=edge-agent rollback-by=oncall@example.com$/);
    expect(await versionSpread(iot)).toEqual({ '1.0.0': 25 });
    expect((rollback.output as { steps: { rollout: { status: string } } }).steps.rollout.status).toBe('done');

    // The bad release run again afterwards (a new execution of the same input, its records expired): nothing changes.
    const bad = executionFor(live, 'edge-agent', '1.1.0');
    await expirePowertoolsRecords(live);
    const before = mutatingSucceeded(live.report());
    live.start(`${bad.name}-again`, bad.input);
    await live.settled();
    expect(live.engine.get(`${bad.name}-again`)?.status, live.engine.get(`${bad.name}-again`)?.cause).toBe('SUCCEEDED');
    // CreatePackageVersion with the release's own clientToken answers the existing version (IoT's idempotency): no change.
    const changed = Object.entries(difference(mutatingSucceeded(live.report()), before)).filter(([call, n]) => n > 0 && call !== 'iot:CreatePackageVersion');
    expect(changed).toEqual([]);
    expect(sides(live.report())).toEqual({ openSearchBytes: sha256(BODIES['1.0.0']), domains: onEveryDomain('1.0.0'), defaultVersion: '1.0.0', statuses: { '1.0.0': 'PUBLISHED', '1.1.0': 'DEPRECATED' } });
    expect(await versionSpread(iot)).toEqual({ '1.0.0': 25 });

    // A new version after the rollback goes forward everywhere.
    expect((await release(live, '1.2.0')).status).toBe('SUCCEEDED');
    expect(sides(live.report())).toEqual({
      openSearchBytes: sha256(BODIES['1.2.0']),
      domains: onEveryDomain('1.2.0'),
      defaultVersion: '1.2.0',
      statuses: { '1.0.0': 'PUBLISHED', '1.1.0': 'DEPRECATED', '1.2.0': 'PUBLISHED' },
    });
    expect(await versionSpread(iot)).toEqual({ '1.2.0': 25 });
    iot.destroy();
  });

  it('a redrive of the bad release after the rollback changes nothing: its aborted fleet stage is not started again', async () => {
    const { live, iot } = await fleetWithDomains();
    expect((await release(live, '1.0.0')).status).toBe('SUCCEEDED');
    live.twin.declareDevices(devices(0.5));
    const bad = await release(live, '1.1.0');
    expect(bad).toMatchObject({ status: 'FAILED', error: 'RolloutAborted' });

    // The devices are fixed (the next job's executions succeed), then the bad version is rolled back.
    live.twin.declareDevices(devices(0));
    const rollback = await rollBack(live, '1.0.0');
    expect(rollback.status, `${rollback.error}: ${rollback.cause}`).toBe('SUCCEEDED');
    const jobs = Object.keys(live.twin.fleet().jobs).length;
    const before = mutatingSucceeded(live.report());
    live.engine.redrive(bad.name);
    await live.settled();
    expect(bad.status, bad.cause).toBe('SUCCEEDED');
    expect((bad.output as { rollout: { status: string } }).rollout.status).toBe('superseded');
    expect(Object.keys(live.twin.fleet().jobs)).toHaveLength(jobs);
    expect(Object.entries(difference(mutatingSucceeded(live.report()), before)).filter(([, n]) => n > 0)).toEqual([]);
    expect(sides(live.report())).toMatchObject({ openSearchBytes: sha256(BODIES['1.0.0']), domains: onEveryDomain('1.0.0'), defaultVersion: '1.0.0' });
    expect(await versionSpread(iot)).toEqual({ '1.0.0': 25 });
    iot.destroy();
  });

  it('refuses a target that is not older than the head, before anything changes (RollbackTargetInvalid)', async () => {
    const { live, iot } = await fleetWithDomains();
    await release(live, '1.0.0');
    const before = mutatingSucceeded(live.report());
    await expect(planRollback({ packageName: 'edge-agent', targetVersion: '1.0.0', requestedBy: 'me' }, { iot, s3: live.s3() })).rejects.toMatchObject({ name: 'RollbackTargetInvalid' });
    await expect(planRollback({ packageName: 'edge-agent', targetVersion: '0.9.0', requestedBy: 'me' }, { iot, s3: live.s3() })).rejects.toMatchObject({ name: 'RollbackTargetInvalid' });
    expect(difference(mutatingSucceeded(live.report()), before)).toEqual(Object.fromEntries(Object.keys(before).map((k) => [k, 0])));
    iot.destroy();
  });
});
