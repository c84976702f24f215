import { afterEach, describe, expect, it } from 'vitest';
import { commitMessage } from '../../lib/release/identity';
import { LOCAL_BUCKET, type LocalSession } from '../../local/session';
import {
  availableCommit,
  difference,
  executionFor,
  expireIdempotencyRecords,
  mutatingSucceeded,
  releaseCommits,
  startSession,
  succeeded,
} from './harness';

/**
 * End to end through the local twin: the real ASL in the local engine, the real handlers, the real
 * AWS SDK over HTTP, real Powertools idempotency records in dynalite. Each test asserts on the
 * catalog and the call counts, not only on the execution status.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const DICT_1 = 'alpha\nbeta\n';
const DICT_2 = 'alpha\nbeta\ngamma\n';

describe('a release, end to end', () => {
  it('happy path: an upload becomes a published default version and AVAILABLE OpenSearch content', async () => {
    session = await startSession();
    const { versionId } = await session.upload('releases/edge-agent/1.0.0/words.txt', DICT_1, { metadata: { description: 'First words' } });
    await session.settled();
    const report = session.report();

    const execution = executionFor(session, 'edge-agent', '1.0.0');
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states.map((s) => s.name)).toEqual(expect.arrayContaining(['Prepare', 'CreateVersion', 'UpdateOpenSearch', 'CheckOpenSearch', 'Promote']));
    expect(report.catalog.iot['edge-agent']).toEqual({
      defaultVersion: '1.0.0',
      versions: { '1.0.0': { status: 'PUBLISHED', artifact: { s3Location: { bucket: LOCAL_BUCKET, key: 'releases/edge-agent/1.0.0/words.txt', version: versionId } } } },
    });
    const os = report.catalog.opensearch['edge-agent-dict']!;
    expect(os.status).toBe('AVAILABLE');
    const token = report.executions[0]!.clientToken!;
    expect(availableCommit(report, 'edge-agent-dict')).toBe(commitMessage('edge-agent', '1.0.0', token));
    // OpenSearch imported exactly the pinned bytes, from the immutable staging copy.
    const staged = session.twin.s3.listObjects(LOCAL_BUCKET, 'staging/edge-agent/1.0.0/');
    expect(staged).toHaveLength(1);
    expect(staged[0]!.body.toString()).toBe(DICT_1);
    expect(succeeded(report, 'iot:CreatePackageVersion')).toBe(1);
    expect(succeeded(report, 'es:UpdatePackage')).toBe(1);
    expect(succeeded(report, 'iot:UpdatePackage')).toBe(1);
  });

  it('duplicate S3 events start one execution and create one version', async () => {
    session = await startSession();
    await session.upload('releases/edge-agent/1.0.0/words.txt', DICT_1, { duplicateEvents: 3 });
    await session.settled();
    const report = session.report();

    expect(report.executions).toHaveLength(1);
    expect(report.executions[0]!.status).toBe('SUCCEEDED');
    expect(session.triggerErrors).toEqual([]);
    expect(succeeded(report, 'iot:CreatePackageVersion')).toBe(1);
    expect(succeeded(report, 'es:UpdatePackage')).toBe(1);
  });

  it('the same request started again makes zero new mutating calls', async () => {
    session = await startSession();
    await session.upload('releases/edge-agent/1.0.0/words.txt', DICT_1);
    await session.settled();
    const first = session.report();
    const input = session.engine.list()[0]!.input;

    session.start('edge-agent-1.0.0-by-hand', input);
    await session.settled();
    const second = session.report();

    expect(session.engine.get('edge-agent-1.0.0-by-hand')!.status).toBe('SUCCEEDED');
    expect(difference(mutatingSucceeded(second), mutatingSucceeded(first))).toEqual(Object.fromEntries(Object.keys(mutatingSucceeded(first)).map((k) => [k, 0])));
    expect(second.catalog).toEqual(first.catalog);
  });

  it('converges by looking when the idempotency records have expired: no second version, update or publish', async () => {
    session = await startSession();
    await session.upload('releases/edge-agent/1.0.0/words.txt', DICT_1);
    await session.settled();
    const first = session.report();
    expect(await expireIdempotencyRecords(session)).toBeGreaterThan(0);

    session.start('edge-agent-1.0.0-after-ttl', session.engine.list()[0]!.input);
    await session.settled();
    const second = session.report();

    expect(session.engine.get('edge-agent-1.0.0-after-ttl')!.status).toBe('SUCCEEDED');
    const delta = difference(mutatingSucceeded(second), mutatingSucceeded(first));
    // CreatePackageVersion is sent again, and IoT answers the same clientToken with the original
    // response: a replay that creates nothing (the catalog below is unchanged).
    expect(delta['es:UpdatePackage']).toBe(0);
    expect(delta['iot:UpdatePackageVersion']).toBe(0);
    expect(delta['iot:UpdatePackage']).toBe(0);
    expect(releaseCommits(second, 'edge-agent-dict')).toHaveLength(1);
    expect(second.catalog.iot).toEqual(first.catalog.iot);
  });

  it('a transient fault on every step ends in success after retries', async () => {
    // Four 5xx in a row outlast the SDK's own three attempts, so each step fails once and the ASL retries it.
    session = await startSession({
      faults: ['s3:HeadObject', 'iot:CreatePackageVersion', 'es:UpdatePackage', 'es:DescribePackages', 'iot:UpdatePackageVersion'].map((operation) => ({
        operation,
        kind: 'error5xx' as const,
        times: 4,
      })),
    });
    await session.upload('releases/edge-agent/1.0.0/words.txt', DICT_1);
    await session.settled();
    const report = session.report();
    const execution = executionFor(session, 'edge-agent', '1.0.0');

    expect(execution.status).toBe('SUCCEEDED');
    const retried = execution.states.filter((s) => s.retries > 0).map((s) => s.name);
    expect(retried).toEqual(expect.arrayContaining(['Prepare', 'CreateVersion', 'UpdateOpenSearch', 'Promote']));
    expect(report.catalog.iot['edge-agent']!.defaultVersion).toBe('1.0.0');
    expect(succeeded(report, 'iot:CreatePackageVersion')).toBe(1);
    expect(succeeded(report, 'es:UpdatePackage')).toBe(1);
    expect(releaseCommits(report, 'edge-agent-dict')).toHaveLength(1);
  });

  it('a failure that outlasts the retries, then a redrive, succeeds without duplicates', async () => {
    session = await startSession({ faults: [{ operation: 'es:UpdatePackage', kind: 'error5xx', times: 1000 }] });
    await session.upload('releases/edge-agent/1.0.0/words.txt', DICT_1);
    await session.settled();
    const execution = executionFor(session, 'edge-agent', '1.0.0');
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('TransientAwsError');
    expect(session.report().catalog.iot['edge-agent']!.versions['1.0.0']!.status).toBe('DRAFT');

    session.twin.setFaults([]);
    const statesBefore = execution.states.length;
    session.engine.redrive(execution.name);
    await session.settled();
    const report = session.report();

    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.redriveCount).toBe(1);
    // Resumed at the failed step: Prepare and CreateVersion did not run again.
    expect(execution.states.slice(statesBefore).map((s) => s.name)[0]).toBe('UpdateOpenSearch');
    expect(succeeded(report, 'iot:CreatePackageVersion')).toBe(1);
    expect(succeeded(report, 'es:UpdatePackage')).toBe(1);
    expect(releaseCommits(report, 'edge-agent-dict')).toHaveLength(1);
    expect(report.catalog.iot['edge-agent']).toMatchObject({ defaultVersion: '1.0.0', versions: { '1.0.0': { status: 'PUBLISHED' } } });
  });

  it('two versions in reverse order: the default is the newer one, and OpenSearch keeps the newer content', async () => {
    session = await startSession();
    await session.upload('releases/edge-agent/1.1.0/words.txt', DICT_2);
    await session.settled();
    await session.upload('releases/edge-agent/1.0.0/words.txt', DICT_1);
    await session.settled();
    const report = session.report();

    expect(report.executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(report.catalog.iot['edge-agent']!.defaultVersion).toBe('1.1.0');
    expect(report.catalog.iot['edge-agent']!.versions['1.0.0']!.status).toBe('PUBLISHED');
    expect(availableCommit(report, 'edge-agent-dict')).toMatch(/^pkgrelease v=1\.1\.0 /);
    expect(succeeded(report, 'es:UpdatePackage')).toBe(1);
    const older = executionFor(session, 'edge-agent', '1.0.0');
    expect(older.states.find((s) => s.name === 'UpdateOpenSearch')!.output).toMatchObject({ steps: { updateOpenSearch: { outcome: 'superseded', servedVersion: '1.1.0' } } });
  });

  it('two versions at once end as if they had arrived in version order', async () => {
    session = await startSession();
    await Promise.all([
      session.upload('releases/edge-agent/2.0.0/words.txt', DICT_2),
      session.upload('releases/edge-agent/1.9.0/words.txt', DICT_1),
    ]);
    await session.settled();
    const report = session.report();

    expect(report.executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(report.catalog.iot['edge-agent']!.defaultVersion).toBe('2.0.0');
    expect(availableCommit(report, 'edge-agent-dict')).toMatch(/^pkgrelease v=2\.0\.0 /);
  });

  it('an OpenSearch validation failure fails the execution with the named error, leaving the version unpublished', async () => {
    session = await startSession();
    await session.createOpenSearchPackage('edge-plugin', 'ZIP-PLUGIN', Buffer.from('PK\x03\x04 initial plugin'));
    await session.upload('releases/edge-plugin/1.0.0/plugin.zip', 'this is not a zip file');
    await session.settled();
    const report = session.report();
    const execution = executionFor(session, 'edge-plugin', '1.0.0');

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('OpenSearchPackageFailed');
    expect(execution.cause).toMatch(/VALIDATION_FAILED/);
    expect(execution.states.at(-1)!.name).toBe('CheckOpenSearch');
    expect(report.catalog.iot['edge-plugin']).toMatchObject({ defaultVersion: null, versions: { '1.0.0': { status: 'DRAFT' } } });
    expect(succeeded(report, 'iot:UpdatePackageVersion')).toBe(0);
  });

  it('lost responses on every mutating operation still converge to one release', async () => {
    session = await startSession({
      faults: ['iot:CreatePackage', 'iot:CreatePackageVersion', 'es:UpdatePackage', 's3:CopyObject', 'iot:UpdatePackageVersion', 'iot:UpdatePackage'].map((operation) => ({
        operation,
        kind: 'lostResponse' as const,
        times: 1,
      })),
    });
    await session.upload('releases/edge-agent/1.0.0/words.txt', DICT_1);
    await session.settled();
    const report = session.report();

    expect(executionFor(session, 'edge-agent', '1.0.0').status).toBe('SUCCEEDED');
    expect(Object.keys(report.catalog.iot['edge-agent']!.versions)).toEqual(['1.0.0']);
    expect(report.catalog.iot['edge-agent']).toMatchObject({ defaultVersion: '1.0.0', versions: { '1.0.0': { status: 'PUBLISHED' } } });
    // The lost UpdatePackage was applied once; the retry found it in the history instead of importing again.
    expect(releaseCommits(report, 'edge-agent-dict')).toHaveLength(1);
    expect(report.calls['es:UpdatePackage']).toEqual({ succeeded: 0, failed: 1, injected: 1 });
  });
});
