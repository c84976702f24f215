import { readFileSync } from 'node:fs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { answerApproval } from '../../lib/operations/approval';
import type { WaitingTask } from '../../local/engine/task-tokens';
import type { LocalSession } from '../../local/session';
import { CONFIG, executionFor, startSession, succeeded } from './harness';

/**
 * The approval gate, with the real ASL in the local engine: a package with `requireApproval` stops
 * at WaitForApproval — version created (DRAFT), OpenSearch updated, nothing published — until a
 * person answers (SendTaskSuccess / SendTaskFailure, as `pkgrelease approve | reject` sends them).
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const APPROVAL = { packages: { ...CONFIG.packages, 'edge-agent': { ...CONFIG.packages['edge-agent'], requireApproval: true } } };

/** Until the execution waits (bounded: the local flow takes milliseconds). */
async function waitingTask(s: LocalSession): Promise<WaitingTask> {
  for (let i = 0; i < 1000; i++) {
    const [task] = s.engine.taskTokens.list();
    if (task) return task;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no execution reached WaitForApproval');
}

async function dropAndWait(s: LocalSession): Promise<WaitingTask> {
  await s.upload('releases/edge-agent/1.4.0/words.txt', 'alpha\nbeta\n');
  const task = await waitingTask(s);
  const report = s.report();
  // Waiting: created and imported, not published, default untouched.
  expect(report.catalog.iot['edge-agent']?.versions['1.4.0']?.status).toBe('DRAFT');
  expect(report.catalog.iot['edge-agent']?.defaultVersion ?? null).toBeNull();
  expect(succeeded(report, 'iot:UpdatePackageVersion')).toBe(0);
  return task;
}

describe('approval gate (requireApproval)', () => {
  it('waits before Promote and says what waits; approve lets it publish', async () => {
    session = await startSession({ config: APPROVAL });
    const task = await dropAndWait(session);
    const execution = executionFor(session, 'edge-agent', '1.4.0');
    expect(task.state).toBe('WaitForApproval');
    const request = task.request as { TopicArn: string; Message: string; MessageAttributes: { taskToken: { StringValue: string } } };
    expect(request.Message).toContain('edge-agent 1.4.0 waits for approval before Promote');
    expect(request.Message).toContain(`pkgrelease approve ${execution.executionArn}`);
    expect(request.Message).not.toContain(task.token);
    expect(request.MessageAttributes.taskToken.StringValue).toBe(task.token);

    // What `pkgrelease approve <arn>` does: the token from GetExecutionHistory, then SendTaskSuccess, over HTTP.
    await answerApproval(new SFNClient({}), execution.executionArn, { decision: 'approved' });
    await session.settled();

    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states.map((s) => s.name).slice(-5)).toEqual(['ApprovalRequired?', 'WaitForApproval', 'Promote', 'RolloutConfigured?', 'Released']);
    expect(session.report().catalog.iot['edge-agent']).toMatchObject({ defaultVersion: '1.4.0', versions: { '1.4.0': { status: 'PUBLISHED' } } });
  });

  it('reject fails the release with ReleaseRejected at WaitForApproval and publishes nothing', async () => {
    session = await startSession({ config: APPROVAL });
    const task = await dropAndWait(session);
    const execution = executionFor(session, 'edge-agent', '1.4.0');

    expect(task.state).toBe('WaitForApproval');
    // What `pkgrelease reject <arn> --reason …` does, over HTTP.
    await answerApproval(new SFNClient({}), execution.executionArn, { decision: 'rejected', reason: 'fails the soak test' });
    await session.settled();

    expect(execution).toMatchObject({ status: 'FAILED', error: 'ReleaseRejected' });
    expect(execution.cause).toContain('fails the soak test');
    expect(execution.states.map((s) => s.name)).not.toContain('Promote');
    const report = session.report();
    expect(report.catalog.iot['edge-agent']?.versions['1.4.0']?.status).toBe('DRAFT');
    expect(succeeded(report, 'iot:UpdatePackageVersion')).toBe(0);
    expect(succeeded(report, 'iot:UpdatePackage')).toBe(0);
  });

  it('a package without requireApproval goes straight to Promote: the happy path enters every state but the approval and rollout ones, each once', async () => {
    session = await startSession();
    await session.upload('releases/edge-agent/1.4.0/words.txt', 'alpha\n');
    await session.settled();
    const execution = executionFor(session, 'edge-agent', '1.4.0');
    expect(execution.status).toBe('SUCCEEDED');
    const names = execution.states.map((s) => s.name);
    expect(names).not.toContain('WaitForApproval');
    // Without a rollout, Promote is followed by the rollout choice and the end.
    expect(names.slice(-4)).toEqual(['ApprovalRequired?', 'Promote', 'RolloutConfigured?', 'Released']);
    const asl = JSON.parse(readFileSync(new URL('../../statemachines/release.asl.json', import.meta.url), 'utf8')) as { States: Record<string, unknown> };
    const notEntered = new Set(['WaitForApproval', 'StartRolloutStage', 'WatchRolloutStage', 'RolloutStagePassed?', 'WaitForStageApproval', 'RolloutDefault']);
    expect(names).toEqual(Object.keys(asl.States).filter((s) => !notEntered.has(s)));
  });
});
