import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderStatusTable } from '../../cli/operator/status';
import { renderRollout, rolloutProgressOf, sbomValidationOf } from '../../lib/operations/release-progress';
import { collectStatus } from '../../lib/operations/status';

/** `pkgrelease status` (and the console, which reads the same report) show a release's rollout and SBOM. */
const sfn = mockClient(SFNClient);
const machine = 'arn:aws:states:eu-west-1:123456789012:stateMachine:pkgrelease-prod-release';
const arn = (name: string) => `arn:aws:states:eu-west-1:123456789012:execution:pkgrelease-prod-release:${name}`;
const start = new Date('2025-03-14T11:00:00Z');
const input = JSON.stringify({ packageName: 'fw', versionName: '2.0.0', artifact: { bucket: 'b', key: 'k', version: 'v1' } });
const counts = { queued: 0, inProgress: 0, succeeded: 10, failed: 0, rejected: 0, timedOut: 0, removed: 0, canceled: 0 };
const canaryPassed = { stage: 'canary', jobId: 'fw-2_0_0-canary-x', attempt: 0, outcome: 'passed', counts };
const watchingFleet = {
  rollout: { stages: ['canary', 'fleet'], status: 'watching', current: { stage: 'fleet', index: 1, jobId: 'fw-2_0_0-fleet-x', attempt: 0 }, outcomes: [canaryPassed] },
  steps: { checkSbom: { policy: 'required', validation: 'SUCCEEDED' } },
};

describe('release progress in pkgrelease status', () => {
  beforeEach(() => sfn.reset());

  it('reads a running execution\'s rollout and SBOM from its newest state output in the history', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [{ executionArn: arn('r'), stateMachineArn: machine, name: 'r', status: 'RUNNING', startDate: start }] });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', input });
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        { id: 9, type: 'TaskStateEntered', timestamp: start, stateEnteredEventDetails: { name: 'WatchRolloutStage', input: '{}' } },
        { id: 8, type: 'TaskStateExited', timestamp: start, stateExitedEventDetails: { name: 'StartRolloutStage', output: JSON.stringify(watchingFleet) } },
      ],
    });

    const report = await collectStatus(new SFNClient({}), { stateMachineArn: machine, since: new Date(0) });
    expect(report.executions[0]).toMatchObject({
      sbom: 'SUCCEEDED (required)',
      rollout: { status: 'watching', stages: ['canary', 'fleet'], stage: 'fleet', jobId: 'fw-2_0_0-fleet-x', outcomes: [{ stage: 'canary', outcome: 'passed', counts }] },
    });
    const table = renderStatusTable(report).split('\n');
    expect(table).toContain('  sbom: SUCCEEDED (required)');
    expect(table).toContain('  rollout: fleet 2/2 watching job fw-2_0_0-fleet-x; canary passed (10 succeeded)');
  });

  it('reads an ended execution from its output, without the history', async () => {
    const done = { ...watchingFleet, rollout: { ...watchingFleet.rollout, status: 'done', outcomes: [canaryPassed, { ...canaryPassed, stage: 'fleet', jobId: 'fw-2_0_0-fleet-x' }] } };
    sfn.on(ListExecutionsCommand).resolves({ executions: [{ executionArn: arn('s'), stateMachineArn: machine, name: 's', status: 'SUCCEEDED', startDate: start }] });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', input, output: JSON.stringify(done) });

    const report = await collectStatus(new SFNClient({}), { stateMachineArn: machine, since: new Date(0) });
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(0);
    expect(renderRollout(report.executions[0]!.rollout!)).toBe('fleet 2/2 done; canary passed (10 succeeded); fleet passed (10 succeeded)');
  });

  it('names a superseded stage and the release that took over', () => {
    const p = rolloutProgressOf(JSON.stringify({ rollout: { stages: ['canary'], status: 'superseded', outcomes: [{ stage: 'canary', attempt: 0, outcome: 'superseded', supersededBy: '2.1.0' }] } }))!;
    expect(renderRollout(p)).toBe('1/1 stages superseded; canary superseded by 2.1.0');
  });

  it('shows nothing for a package without a rollout or SBOM, or an output that is not JSON', () => {
    expect(rolloutProgressOf(JSON.stringify({ steps: { checkSbom: { validation: 'OFF' } } }))).toBeUndefined();
    expect(sbomValidationOf(JSON.stringify({ steps: { checkSbom: { validation: 'OFF' } } }))).toBeUndefined();
    expect(sbomValidationOf('not json')).toBeUndefined();
    expect(sbomValidationOf(JSON.stringify({ steps: { checkSbom: { validation: 'FAILED' } } }))).toBe('FAILED (optional)');
  });
});
