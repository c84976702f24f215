import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../local/engine/executions';
import { executionHistory } from '../../local/engine/history';
import { stateViews } from '../../local/console/states';

const NAMES = ['Prepare', 'Check', 'Handle', 'Done'];

function record(states: ExecutionRecord['states'], status: ExecutionRecord['status']): ExecutionRecord {
  return { name: 'x', executionArn: 'arn:aws:states:us-east-1:0:execution:m:x', status, input: {}, startDate: '2026-01-01T00:00:00.000Z', redriveCount: 0, states };
}

/** The local GetExecutionHistory, as the SDK hands it to the console (timestamps as Dates). */
function history(e: ExecutionRecord): HistoryEvent[] {
  return executionHistory(e).map((ev) => ({ ...ev, timestamp: new Date(ev.timestamp * 1000) }) as HistoryEvent);
}

describe('state outcomes from the execution history', () => {
  it('counts each retried attempt of a state as a poll, and marks the state running while it runs', () => {
    const e = record(
      [
        { name: 'Prepare', type: 'Task', status: 'SUCCEEDED', input: {}, output: { packageName: 'p' }, retries: 0 },
        { name: 'Check', type: 'Task', status: 'ENTERED', input: { n: 1 }, retries: 2, errors: { OpenSearchPackageBusy: 2 } },
      ],
      'RUNNING',
    );
    const events = history(e);
    expect(events.filter((ev) => ev.type === 'LambdaFunctionScheduled')).toHaveLength(1 + 3);
    expect(events.filter((ev) => ev.type === 'LambdaFunctionFailed').map((ev) => ev.lambdaFunctionFailedEventDetails?.error)).toEqual(['OpenSearchPackageBusy', 'OpenSearchPackageBusy']);
    const views = stateViews(events, NAMES, 'RUNNING');
    expect(views.map((v) => [v.name, v.outcome, v.retries])).toEqual([
      ['Prepare', 'succeeded', 0],
      ['Check', 'running', 2],
      ['Handle', 'not-reached', 0],
      ['Done', 'not-reached', 0],
    ]);
    expect(views[0]!.output).toBe('{"packageName":"p"}');
  });

  it('shows a redriven state by its latest entry, with the redrive in the history', () => {
    const e = record(
      [
        { name: 'Prepare', type: 'Task', status: 'SUCCEEDED', input: {}, output: {}, retries: 0 },
        { name: 'Check', type: 'Task', status: 'FAILED', input: {}, error: 'OpenSearchPackageNotFound', cause: 'no package', retries: 0 },
        { name: 'Check', type: 'Task', status: 'SUCCEEDED', input: {}, output: {}, retries: 1 },
        { name: 'Done', type: 'Succeed', status: 'SUCCEEDED', input: {}, output: {}, retries: 0 },
      ],
      'SUCCEEDED',
    );
    const events = history(e);
    expect(events.map((ev) => ev.type)).toContain('ExecutionRedriven');
    const check = stateViews(events, NAMES, 'SUCCEEDED')[1]!;
    expect(check).toMatchObject({ outcome: 'succeeded', entries: 2, retries: 1, error: undefined });
  });

  it('marks the failed state failed with its error, and a failure routed on by a Catch as caught', () => {
    const failed = record([{ name: 'Prepare', type: 'Task', status: 'FAILED', input: {}, error: 'InvalidRelease', cause: 'bad key', retries: 0 }], 'FAILED');
    expect(stateViews(history(failed), NAMES, 'FAILED')[0]).toMatchObject({ outcome: 'failed', error: 'InvalidRelease', cause: 'bad key' });

    const caught: HistoryEvent[] = [
      { type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Check' } },
      { type: 'LambdaFunctionScheduled' },
      { type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error: 'Boom', cause: 'x' } },
      { type: 'PassStateEntered', stateEnteredEventDetails: { name: 'Handle' } },
      { type: 'PassStateExited', stateExitedEventDetails: { name: 'Handle' } },
    ] as HistoryEvent[];
    const views = stateViews(caught, NAMES, 'RUNNING');
    expect(views[1]).toMatchObject({ outcome: 'caught', error: 'Boom' });
    expect(views[2]!.outcome).toBe('succeeded');
  });

  it('leaves input and output out of the history when includeExecutionData is false', () => {
    const e = record([{ name: 'Prepare', type: 'Task', status: 'SUCCEEDED', input: { secret: 1 }, output: { o: 1 }, retries: 0 }], 'SUCCEEDED');
    expect(JSON.stringify(executionHistory(e, false))).not.toMatch(/"input"|"output"/);
  });
});
