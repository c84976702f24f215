import type { ExecutionRecord, StateRecord } from './executions';
import type { WaitingTask } from './task-tokens';

/**
 * GetExecutionHistory for the local engine: the execution's events in Step Functions' shapes,
 * rebuilt from what the engine recorded. Each Task attempt is a LambdaFunctionScheduled event (so
 * retries — the poll iterations — show as repeated attempts, as in the AWS console), each redrive
 * an ExecutionFailed + ExecutionRedriven pair before the failed state is entered again, and with
 * `includeExecutionData` the states' input and output ride along, as in the real API.
 */
export type HistoryEvent = Record<string, unknown> & { id: number; type: string; timestamp: number };

export function executionHistory(e: ExecutionRecord, includeExecutionData = true, waiting: WaitingTask[] = []): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const data = (value: unknown) => (includeExecutionData && value !== undefined ? { input: JSON.stringify(value) } : {});
  const out = (value: unknown) => (includeExecutionData && value !== undefined ? { output: JSON.stringify(value) } : {});
  const add = (type: string, at: string | undefined, details?: Record<string, unknown>) =>
    events.push({ id: events.length + 1, previousEventId: events.length, type, timestamp: epoch(at ?? e.startDate), ...details });

  add('ExecutionStarted', e.startDate, { executionStartedEventDetails: { ...data(e.input) } });
  e.states.forEach((state, i) => {
    const previous = e.states[i - 1];
    // A state entered after a failed one is the redrive resuming there (no Catch routes around failures).
    if (previous?.status === 'FAILED') {
      add('ExecutionFailed', previous.stoppedDate, { executionFailedEventDetails: { error: previous.error, cause: previous.cause } });
      add('ExecutionRedriven', state.enteredDate, { executionRedrivenEventDetails: { redriveCount: e.states.slice(0, i).filter((s) => s.status === 'FAILED').length } });
    }
    const callback = state.status === 'ENTERED' ? waiting.find((t) => t.execution === e.name && t.state === state.name) : undefined;
    addState(state, add, data, out, callback);
  });
  if (e.status === 'FAILED' || e.status === 'TIMED_OUT') {
    const type = e.status === 'FAILED' ? 'ExecutionFailed' : 'ExecutionTimedOut';
    add(type, e.stopDate, { [`${type[0]!.toLowerCase()}${type.slice(1)}EventDetails`]: { error: e.error, cause: e.cause } });
  }
  if (e.status === 'SUCCEEDED') add('ExecutionSucceeded', e.stopDate, { executionSucceededEventDetails: { ...out(e.output) } });
  return events;
}

type Add = (type: string, at: string | undefined, details?: Record<string, unknown>) => void;

function addState(state: StateRecord, add: Add, data: (v: unknown) => object, out: (v: unknown) => object, callback?: WaitingTask): void {
  add(`${state.type}StateEntered`, state.enteredDate, { stateEnteredEventDetails: { name: state.name, ...data(state.input) } });
  if (callback) {
    // A callback Task waiting for SendTaskSuccess / SendTaskFailure: its request carries the token.
    add('TaskScheduled', state.enteredDate, { taskScheduledEventDetails: { resourceType: 'sns', resource: callback.resource, region: 'us-east-1', parameters: JSON.stringify(callback.request) } });
  } else if (state.type === 'Task') {
    const scheduled = () => add('LambdaFunctionScheduled', state.enteredDate, { lambdaFunctionScheduledEventDetails: { ...data(state.input) } });
    const retriedErrors = retriedAttemptErrors(state);
    for (let retried = 0; retried < state.retries; retried++) {
      scheduled();
      add('LambdaFunctionFailed', state.enteredDate, { lambdaFunctionFailedEventDetails: retriedErrors[retried] ? { error: retriedErrors[retried] } : {} });
    }
    scheduled();
    if (state.status === 'FAILED') add('LambdaFunctionFailed', state.stoppedDate, { lambdaFunctionFailedEventDetails: { error: state.error, cause: state.cause } });
    if (state.status === 'SUCCEEDED') add('LambdaFunctionSucceeded', state.stoppedDate, { lambdaFunctionSucceededEventDetails: { ...out(state.output) } });
  } else if (state.status === 'FAILED') {
    add(`${state.type}StateFailed`, state.stoppedDate, { stateFailedEventDetails: { error: state.error, cause: state.cause } });
  }
  if (state.status === 'SUCCEEDED') add(`${state.type}StateExited`, state.stoppedDate, { stateExitedEventDetails: { name: state.name, ...out(state.output) } });
}

/**
 * The errors of the attempts that were retried: the engine counts errors by name, not in order, so
 * the names are right and their order is by name; causes are kept only for the final attempt.
 */
function retriedAttemptErrors(state: StateRecord): string[] {
  const names = Object.entries(state.errors ?? {}).flatMap(([name, count]) => Array<string>(count).fill(name));
  const final = state.status === 'FAILED' && state.error ? names.indexOf(state.error) : -1;
  if (final >= 0) names.splice(final, 1);
  return names;
}

function epoch(iso: string): number {
  return Date.parse(iso) / 1000;
}
