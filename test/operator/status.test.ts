import {
  DescribeExecutionCommand,
  type ExecutionListItem,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { collectStatus } from '../../lib/operations/status';
import { renderStatusTable } from '../../cli/operator/status';
import { deriveClientToken } from '../../lib/release/identity';
import { throttled } from './aws-errors';

const sfn = mockClient(SFNClient);
const machine = 'arn:aws:states:eu-west-1:123456789012:stateMachine:pkgrelease-prod-release';
const now = new Date('2025-03-14T12:00:00Z');
const since = new Date(now.getTime() - 24 * 3_600_000);

function item(name: string, status: string, hoursAgo: number): ExecutionListItem {
  return {
    executionArn: `arn:aws:states:eu-west-1:123456789012:execution:pkgrelease-prod-release:${name}`,
    stateMachineArn: machine,
    name,
    status: status as ExecutionListItem['status'],
    startDate: new Date(now.getTime() - hoursAgo * 3_600_000),
    stopDate: status === 'RUNNING' ? undefined : new Date(now.getTime() - hoursAgo * 3_600_000 + 60_000),
  };
}

const artifact = { bucket: 'artifacts', key: 'releases/edge-agent/1.2.0/agent.zip', version: 'v1' };
const request = { packageName: 'edge-agent', versionName: '1.2.0', artifact, clientToken: deriveClientToken(artifact) };

/** The history a Lambda task failure leaves, oldest first (the API returns it reversed when asked). */
const failedHistory = [
  { id: 1, type: 'ExecutionStarted' },
  { id: 2, type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Prepare' } },
  { id: 3, type: 'TaskStateExited', stateExitedEventDetails: { name: 'Prepare' } },
  { id: 4, type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'CreateVersion' } },
  { id: 5, type: 'LambdaFunctionScheduled' },
  { id: 6, type: 'LambdaFunctionStarted' },
  {
    id: 7,
    type: 'LambdaFunctionFailed',
    lambdaFunctionFailedEventDetails: {
      error: 'VersionConflict',
      cause: JSON.stringify({ errorType: 'VersionConflict', errorMessage: 'edge-agent@1.2.0 exists with another artifact', trace: ['at x'] }),
    },
  },
  { id: 8, type: 'ExecutionFailed', executionFailedEventDetails: { error: 'VersionConflict' } },
].map((e) => ({ timestamp: now, ...e })) as never[];

describe('pkgrelease status', () => {
  beforeEach(() => sfn.reset());

  it('follows ListExecutions pages and stops at the first execution older than --since', async () => {
    sfn
      .on(ListExecutionsCommand)
      .resolvesOnce({ executions: [item('a', 'SUCCEEDED', 1), item('b', 'RUNNING', 2)], nextToken: 't1' })
      .resolvesOnce({ executions: [item('c', 'SUCCEEDED', 5)], nextToken: 't2' })
      .resolvesOnce({ executions: [item('d', 'SUCCEEDED', 23), item('old', 'FAILED', 25)], nextToken: 't3' })
      .resolves({ executions: [item('older', 'FAILED', 40)] });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', input: JSON.stringify(request) });

    const report = await collectStatus(new SFNClient({}), { stateMachineArn: machine, since });

    expect(report.executions.map((e) => e.name)).toEqual(['a', 'b', 'c', 'd']);
    const calls = sfn.commandCalls(ListExecutionsCommand);
    expect(calls).toHaveLength(3); // no fourth page: 'old' is past --since
    expect(calls[0]!.args[0].input.stateMachineArn).toBe(machine);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(0);
  });

  it('reports a failure: release from the input, failed state, error and cause from the history, redrive status', async () => {
    const failed = item('edge-agent-1.2.0-abc', 'FAILED', 3);
    sfn.on(ListExecutionsCommand).resolves({ executions: [failed] });
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: failed.executionArn,
      status: 'FAILED',
      input: JSON.stringify(request),
      redriveCount: 0,
      redriveStatus: 'REDRIVABLE',
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [...failedHistory].reverse() });

    const report = await collectStatus(new SFNClient({}), { stateMachineArn: machine, since, failedOnly: true });

    // The JSON document `status --json` prints.
    expect(JSON.parse(JSON.stringify(report))).toEqual({
      stateMachineArn: machine,
      since: since.toISOString(),
      failedOnly: true,
      executions: [
        {
          name: 'edge-agent-1.2.0-abc',
          executionArn: failed.executionArn,
          status: 'FAILED',
          startDate: failed.startDate!.toISOString(),
          stopDate: failed.stopDate!.toISOString(),
          package: 'edge-agent',
          version: '1.2.0',
          clientToken: request.clientToken,
          failedState: 'CreateVersion',
          error: 'VersionConflict',
          cause: 'edge-agent@1.2.0 exists with another artifact',
          redriveStatus: 'REDRIVABLE',
          redriveCount: 0,
          nextAction: 'released versions are never overwritten: upload under a new version name',
          consoleUrl: `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${failed.executionArn}`,
        },
      ],
    });
    const history = sfn.commandCalls(GetExecutionHistoryCommand)[0]!.args[0].input;
    expect(history).toMatchObject({ reverseOrder: true, includeExecutionData: false });
  });

  it('--failed keeps FAILED, TIMED_OUT and ABORTED executions only', async () => {
    sfn.on(ListExecutionsCommand).resolves({
      executions: [item('ok', 'SUCCEEDED', 1), item('f', 'FAILED', 2), item('t', 'TIMED_OUT', 3), item('a', 'ABORTED', 4), item('r', 'RUNNING', 5)],
    });
    sfn.on(DescribeExecutionCommand).resolves({ input: '{}' });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });

    const report = await collectStatus(new SFNClient({}), { stateMachineArn: machine, since, failedOnly: true });
    expect(report.executions.map((e) => e.name)).toEqual(['f', 't', 'a']);
  });

  it('reads package and version from manifests and S3 events, and from inputs Prepare rejects when it can', async () => {
    const manifest = { manifestVersion: 1, package: 'fw', version: '2.0.0', artifact: { bucket: 'b', key: 'k' } };
    const invalid = { packageName: 'edge agent', versionName: '9', artifact: { bucket: 'b' }, extra: true };
    const pipelineJob = { 'CodePipeline.job': { data: { artifactCredentials: { secretAccessKey: 'SECRET' } } } };
    const inputs: Record<string, unknown> = { m: manifest, bad: invalid, cp: pipelineJob, txt: 'not json' };
    sfn.on(ListExecutionsCommand).resolves({ executions: Object.keys(inputs).map((n, i) => item(n, 'SUCCEEDED', i + 1)) });
    for (const [name, input] of Object.entries(inputs)) {
      sfn
        .on(DescribeExecutionCommand, { executionArn: item(name, 'SUCCEEDED', 0).executionArn })
        .resolves({ input: typeof input === 'string' ? input : JSON.stringify(input) });
    }

    const report = await collectStatus(new SFNClient({}), { stateMachineArn: machine, since });
    const byName = Object.fromEntries(report.executions.map((e) => [e.name, e]));
    expect(byName.m).toMatchObject({ package: 'fw', version: '2.0.0' });
    expect(byName.m!.clientToken).toBeUndefined(); // unpinned: Prepare derives it after pinning
    expect(byName.bad).toMatchObject({ package: 'edge agent', version: '9' });
    expect(byName.cp!.package).toBeUndefined();
    expect(JSON.stringify(report)).not.toContain('SECRET');
    expect(byName.txt!.package).toBeUndefined();
  });

  it('keeps going when lookups are throttled after the SDK retries, and says so', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [item('x', 'FAILED', 1), item('y', 'SUCCEEDED', 2)] });
    sfn
      .on(DescribeExecutionCommand, { executionArn: item('x', 'FAILED', 1).executionArn })
      .rejects(throttled())
      .on(DescribeExecutionCommand, { executionArn: item('y', 'SUCCEEDED', 2).executionArn })
      .resolves({ status: 'SUCCEEDED', input: JSON.stringify(request) });

    const report = await collectStatus(new SFNClient({}), { stateMachineArn: machine, since });
    expect(report.executions[0]).toMatchObject({ name: 'x', status: 'FAILED', lookupError: 'ThrottlingException: Rate exceeded' });
    expect(report.executions[1]).toMatchObject({ name: 'y', package: 'edge-agent' });
    expect(renderStatusTable(report)).toContain('lookup failed: ThrottlingException: Rate exceeded');
  });

  it('renders a table with one line per execution and the cause under failures', () => {
    const table = renderStatusTable({
      stateMachineArn: machine,
      since: since.toISOString(),
      failedOnly: false,
      executions: [
        { name: 'n1', executionArn: 'a1', status: 'SUCCEEDED', startDate: '2025-03-14T10:00:00.000Z', package: 'edge-agent', version: '1.2.0', consoleUrl: 'u' },
        {
          name: 'n2',
          executionArn: 'a2',
          status: 'FAILED',
          startDate: '2025-03-14T09:00:00.000Z',
          package: 'edge-agent',
          version: '1.1.0',
          failedState: 'CreateVersion',
          error: 'VersionConflict',
          cause: 'exists\nwith another artifact',
          redriveStatus: 'REDRIVABLE',
          nextAction: 'released versions are never overwritten: upload under a new version name',
          consoleUrl: 'u',
        },
      ],
    });
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^STARTED \(UTC\)\s+STATUS\s+RELEASE\s+FAILED STATE\s+ERROR\s+REDRIVE$/);
    expect(lines[1]).toMatch(/^2025-03-14 10:00\s+SUCCEEDED\s+edge-agent@1\.2\.0$/);
    // Step Functions says REDRIVABLE; a redrive cannot fix a VersionConflict (lib/release/redrive-policy.ts).
    expect(lines[2]).toMatch(/FAILED\s+edge-agent@1\.1\.0\s+CreateVersion\s+VersionConflict\s+NO: NEW RELEASE$/);
    expect(lines[3]).toBe('  cause: exists with another artifact');
    expect(lines[4]).toBe('  next: released versions are never overwritten: upload under a new version name');
    expect(renderStatusTable({ stateMachineArn: machine, since: 'S', failedOnly: true, executions: [] })).toBe('No failed executions since S.');
  });
});
