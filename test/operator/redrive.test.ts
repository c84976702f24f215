import {
  DescribeExecutionCommand,
  ExecutionNotRedrivable,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { redriveWithProgress, summaryLine } from '../../cli/operator/progress';
import { failedExecutionArns, redriveOne, redriveToken, summarise } from '../../lib/operations/redrive';
import { throttled } from './aws-errors';

const sfn = mockClient(SFNClient);
const machine = 'arn:aws:states:eu-west-1:123456789012:stateMachine:pkgrelease-prod-release';
const arn = (name: string) => `arn:aws:states:eu-west-1:123456789012:execution:pkgrelease-prod-release:${name}`;

describe('pkgrelease redrive', () => {
  beforeEach(() => sfn.reset());

  it('redrives a redrivable execution with a token fixed per execution and redrive count', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', redriveStatus: 'REDRIVABLE', redriveCount: 1 });
    sfn.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });

    const first = await redriveOne(new SFNClient({}), arn('e1'));
    await redriveOne(new SFNClient({}), arn('e1')); // the command run again before the redrive is counted

    expect(first).toEqual({ executionArn: arn('e1'), name: 'e1', result: 'redriven', detail: expect.stringContaining('redrive #2') });
    const tokens = sfn.commandCalls(RedriveExecutionCommand).map((c) => c.args[0].input.clientToken);
    expect(tokens).toEqual([redriveToken(arn('e1'), 1), redriveToken(arn('e1'), 1)]);
    expect(tokens[0]).toMatch(/^[!-~]{1,64}$/); // RedriveExecution's ClientToken constraint
    expect(redriveToken(arn('e1'), 2)).not.toBe(tokens[0]);
    expect(redriveToken(arn('e2'), 1)).not.toBe(tokens[0]);
  });

  it('skips an execution DescribeExecution reports NOT_REDRIVABLE, with its reason, without calling RedriveExecution', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'FAILED',
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is older than 14 days',
    });
    await expect(redriveOne(new SFNClient({}), arn('old'))).resolves.toMatchObject({ result: 'skipped', detail: 'Execution is older than 14 days' });
    expect(sfn.commandCalls(RedriveExecutionCommand)).toHaveLength(0);
  });

  it('skips an execution RedriveExecution answers ExecutionNotRedrivable', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', redriveStatus: 'REDRIVABLE' });
    sfn.on(RedriveExecutionCommand).rejects(new ExecutionNotRedrivable({ message: 'Execution is RUNNING and cannot be redriven', $metadata: {} }));
    await expect(redriveOne(new SFNClient({}), arn('race'))).resolves.toMatchObject({
      result: 'skipped',
      detail: 'Execution is RUNNING and cannot be redriven',
    });
  });

  it('--all-failed redrives FAILED and TIMED_OUT since --since; throttling fails one and the rest go on', async () => {
    const now = Date.now();
    const listed = (name: string, status: string, hoursAgo: number) => ({
      executionArn: arn(name),
      stateMachineArn: machine,
      name,
      status: status as 'FAILED',
      startDate: new Date(now - hoursAgo * 3_600_000),
    });
    sfn
      .on(ListExecutionsCommand)
      .resolvesOnce({ executions: [listed('f1', 'FAILED', 1), listed('ok', 'SUCCEEDED', 2)], nextToken: 'n' })
      .resolvesOnce({ executions: [listed('t1', 'TIMED_OUT', 3), listed('ab', 'ABORTED', 4), listed('f2', 'FAILED', 5), listed('gone', 'FAILED', 30)] });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', redriveStatus: 'REDRIVABLE', redriveCount: 0 });
    sfn.on(DescribeExecutionCommand, { executionArn: arn('f2') }).resolves({ status: 'FAILED', redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'no' });
    sfn.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
    sfn.on(RedriveExecutionCommand, { executionArn: arn('t1') }).rejects(throttled());

    const arns = await failedExecutionArns(new SFNClient({}), machine, new Date(now - 24 * 3_600_000));
    expect(arns).toEqual([arn('f1'), arn('t1'), arn('f2')]);

    const lines: string[] = [];
    const outcomes = await redriveWithProgress(arns, (a) => redriveOne(new SFNClient({}), a), { tty: false, concurrency: 2, write: (l) => lines.push(l) });

    expect(outcomes.map((o) => [o.name, o.result])).toEqual([
      ['f1', 'redriven'],
      ['t1', 'failed'],
      ['f2', 'skipped'],
    ]);
    expect(outcomes[1]!.detail).toMatch(/^ThrottlingException: Rate exceeded \(throttled after the SDK retries; run the command again\)$/);
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.includes('t1'))).toMatch(/^failed\s+t1\s+ThrottlingException/);
    const summary = summarise(outcomes);
    expect(summary).toEqual({ redriven: 1, planned: 0, skipped: 1, failed: 1 });
    expect(summaryLine(summary)).toBe('1 redriven, 1 skipped, 1 failed');
  });

  it('skips a failure a redrive cannot fix (InvalidRelease, VersionConflict, …) with what to do instead; --dry-run redrives nothing', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', redriveStatus: 'REDRIVABLE', redriveCount: 0, error: 'VersionConflict' });
    sfn.on(DescribeExecutionCommand, { executionArn: arn('t') }).resolves({ status: 'FAILED', redriveStatus: 'REDRIVABLE', redriveCount: 0, error: 'TransientAwsError' });
    await expect(redriveOne(new SFNClient({}), arn('v'))).resolves.toMatchObject({ result: 'skipped', detail: expect.stringMatching(/^failed with VersionConflict, which a redrive cannot fix: .*new version name/) });
    await expect(redriveOne(new SFNClient({}), arn('t'), { dryRun: true })).resolves.toMatchObject({ result: 'planned', detail: expect.stringMatching(/^would redrive #1/) });
    expect(sfn.commandCalls(RedriveExecutionCommand)).toHaveLength(0);
    expect(summaryLine({ redriven: 0, planned: 1, skipped: 1, failed: 0 })).toBe('1 would be redriven (dry run), 0 redriven, 1 skipped, 0 failed');
  });

  it('reports a throttled DescribeExecution as failed, not as a crash', async () => {
    sfn.on(DescribeExecutionCommand).rejects(throttled());
    await expect(redriveOne(new SFNClient({}), arn('x'))).resolves.toMatchObject({ result: 'failed' });
    expect(sfn.commandCalls(RedriveExecutionCommand)).toHaveLength(0);
  });
});
