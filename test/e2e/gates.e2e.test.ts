import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { answerApproval } from '../../lib/operations/approval';
import type { PackagesConfig } from '../../lib/release/config';
import { deriveClientToken } from '../../lib/release/identity';
import type { ReleaseRequest } from '../../lib/release/request';
import { lambdaContext } from '../../local/engine/functions';
import type { ExecutionRecord } from '../../local/engine/executions';
import type { LocalSession } from '../../local/session';
import { setPackagesConfig } from '../../local/session/handler-env';
import { CONFIG, executionFor, startSession, succeeded } from './harness';

/**
 * Trust gates, on the real engine, handlers and twin: approval is decided from the configuration
 * when the gate runs (not from Prepare's stored request), and a step invoked directly checks what
 * it relies on instead of trusting its input.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  // An execution left waiting for approval would keep the session open: reject it, as a person would.
  for (const task of session?.engine.taskTokens.list() ?? []) {
    await answerApproval(new SFNClient({}), session!.engine.get(task.execution)!.executionArn, { decision: 'rejected', reason: 'test over' });
  }
  await session?.close();
  session = undefined;
});

const APPROVAL: PackagesConfig = { packages: { ...CONFIG.packages, 'edge-agent': { ...CONFIG.packages['edge-agent'], requireApproval: true } } };
const KEY = 'releases/edge-agent/1.4.0/words.txt';

async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const found = probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
const waitingAt = (s: LocalSession, execution: ExecutionRecord) =>
  until(`${execution.name} at WaitForApproval`, () => s.engine.taskTokens.list().find((t) => t.state === 'WaitForApproval' && t.execution === execution.name));

/** A release of a package without requireApproval that fails at `operation` for good (before Promote, or at it). */
async function failedRelease(operation: string): Promise<{ s: LocalSession; execution: ExecutionRecord }> {
  const s = await startSession({ faults: [{ operation, kind: 'error5xx' }] });
  session = s;
  await s.upload(KEY, 'alpha\n');
  await s.settled();
  const execution = executionFor(s, 'edge-agent', '1.4.0');
  expect([execution.status, execution.error]).toEqual(['FAILED', 'TransientAwsError']);
  // Then the package is put under approval, and the fault is gone.
  setPackagesConfig(APPROVAL);
  s.twin.setFaults([]);
  return { s, execution };
}

function expectNothingPublished(s: LocalSession): void {
  const report = s.report();
  expect(report.catalog.iot['edge-agent']?.versions['1.4.0']?.status).toBe('DRAFT');
  expect(report.catalog.iot['edge-agent']?.defaultVersion ?? null).toBeNull();
  expect(succeeded(report, 'iot:UpdatePackageVersion')).toBe(0);
}

describe('approval decided from the configuration at the gate (requireApproval turned on after a failure)', () => {
  it('a Redrive of a release that failed before Promote waits for approval, then approve publishes', async () => {
    const { s, execution } = await failedRelease('es:UpdatePackage');
    expect(execution.states.at(-1)?.name).toBe('UpdateOpenSearch');

    s.engine.redrive(execution.name);
    await waitingAt(s, execution);
    expectNothingPublished(s);

    await answerApproval(new SFNClient({}), execution.executionArn, { decision: 'approved' });
    await s.settled();
    expect(execution.status).toBe('SUCCEEDED');
    expect(s.report().catalog.iot['edge-agent']).toMatchObject({ defaultVersion: '1.4.0', versions: { '1.4.0': { status: 'PUBLISHED' } } });
  });

  it('a New execution with the same input (Prepare replays its stored request) waits for approval too', async () => {
    // Failed before the OpenSearch package's lease (a failed execution holds it until notify frees it).
    const { s, execution } = await failedRelease('iot:CreatePackageVersion');
    expect(execution.states.at(-1)?.name).toBe('CreateVersion');

    const again = s.start('edge-agent-1.4.0-again', execution.input);
    await waitingAt(s, again);
    expectNothingPublished(s);
    expect(again.states.map((st) => st.name)).toContain('ApprovalRequired?');
  });

  it('a Redrive that resumes at Promote itself is refused there (NotApproved, nothing published); a new execution then waits', async () => {
    const { s, execution } = await failedRelease('iot:UpdatePackageVersion');
    expect(execution.states.at(-1)?.name).toBe('Promote');

    s.engine.redrive(execution.name);
    await s.settled();
    expect([execution.status, execution.error]).toEqual(['FAILED', 'NotApproved']);
    expect(execution.cause).toContain('Start a new execution with the same input');
    expectNothingPublished(s);

    const again = s.start('edge-agent-1.4.0-again', execution.input);
    await waitingAt(s, again);
    expectNothingPublished(s);
  });
});

describe('steps check what they rely on when invoked directly', () => {
  it('the create-version handler with an artifact in another bucket: InvalidRelease, and no IoT package or version exists', async () => {
    session = await startSession();
    const s3 = session.s3();
    session.twin.s3.ensureBucket('someone-elses-bucket');
    const put = await s3.send(new PutObjectCommand({ Bucket: 'someone-elses-bucket', Key: 'releases/edge-agent/6.6.6/evil.bin', Body: 'evil' }));
    const artifact = { bucket: 'someone-elses-bucket', key: 'releases/edge-agent/6.6.6/evil.bin', version: put.VersionId!, etag: put.ETag!.replaceAll('"', '') };
    const state: ReleaseRequest = {
      packageName: 'edge-agent',
      versionName: '6.6.6',
      artifact,
      opensearch: { packageName: 'edge-agent-dict' },
      defaultVersionPolicy: 'if-newer',
      clientToken: deriveClientToken(artifact),
    };
    const { handler } = await import('../../functions/create-version/handler');

    const error = await handler(state, lambdaContext('createVersion', 60)).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe('InvalidRelease');
    expect(error?.message).toContain('createVersion refuses its input');
    expect(error?.message).toContain('bucket "someone-elses-bucket"');
    const report = session.report();
    expect(report.catalog.iot['edge-agent']).toBeUndefined();
    expect(report.calls['iot:CreatePackageVersion']).toBeUndefined();
    expect(report.calls['iot:CreatePackage']).toBeUndefined();

    // Nor for a package that is not configured, or another OpenSearch package than the configured one.
    const ours = { ...state, artifact: { ...artifact, bucket: 'pkgrelease-local-artifacts' } };
    for (const bad of [{ ...ours, packageName: 'not-configured' }, { ...ours, opensearch: { packageName: 'edge-plugin' } }]) {
      const refused = await handler(bad, lambdaContext('createVersion', 60)).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(refused?.name).toBe('InvalidRelease');
    }
    expect(session.report().calls['iot:CreatePackageVersion']).toBeUndefined();
  });

  it('the promote handler for a package that requires approval, with an approval written into its input: NotApproved (the history decides), and the version stays DRAFT', async () => {
    session = await startSession({ config: APPROVAL });
    await session.upload(KEY, 'alpha\n');
    const execution = await until('the release to start', () => session!.engine.list()[0]);
    await waitingAt(session, execution);
    const checked = execution.states.find((st) => st.name === 'CheckDomains')!.output as { steps: object };
    const forged = { ...checked, steps: { ...checked.steps, approval: { decision: 'approved' } } };
    const { handler } = await import('../../functions/promote/handler');
    const invoke = (Id: string) =>
      handler({ state: forged, execution: { Id } }, lambdaContext('promote', 60)).then(
        () => undefined,
        (e: Error) => e,
      );

    // Its own execution, still waiting at WaitForApproval; one that does not exist; another state machine's.
    const other = execution.executionArn.replace(/:execution:[^:]+:/, ':execution:someone-else:');
    for (const arn of [execution.executionArn, `${execution.executionArn}-made-up`, other]) {
      const error = await invoke(arn);
      expect(error?.name, arn).toBe('NotApproved');
    }
    expect((await invoke(other))?.message).toContain('is not an execution of the release state machine');
    expectNothingPublished(session);
  });
});
