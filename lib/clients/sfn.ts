import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  type ExecutionListItem,
  type ExecutionStatus,
  type HistoryEvent,
  paginateGetExecutionHistory,
  paginateListExecutions,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';

export type StartResult = { status: 'started'; executionArn: string } | { status: 'already-exists' };

/**
 * StartExecution with a deterministic name. `ExecutionAlreadyExists` means this release was
 * already started (a duplicate event): that is success, not an error.
 */
export async function startExecution(sfn: SFNClient, stateMachineArn: string, name: string, input: unknown): Promise<StartResult> {
  try {
    const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return { status: 'started', executionArn: out.executionArn! };
  } catch (e) {
    if ((e as Error).name === 'ExecutionAlreadyExists') return { status: 'already-exists' };
    throw e;
  }
}

// ---- operator helpers (status, redrive, failure notifications) ----

/** DescribeExecution: status, input, error/cause and the redrive status of one execution. */
export async function describeExecution(sfn: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  return sfn.send(new DescribeExecutionCommand({ executionArn }));
}

/**
 * ListExecutions, all pages, newest first (the API's order), stopping at the first execution that
 * started before `since`. Stopping early matters: a machine keeps 90 days of executions.
 */
export async function* listExecutionsSince(
  sfn: SFNClient,
  stateMachineArn: string,
  since: Date,
  statusFilter?: ExecutionStatus,
): AsyncGenerator<ExecutionListItem> {
  for await (const page of paginateListExecutions({ client: sfn, pageSize: 100 }, { stateMachineArn, statusFilter })) {
    for (const execution of page.executions ?? []) {
      if (!execution.startDate || execution.startDate < since) return;
      yield execution;
    }
  }
}

export type RedriveResult = { status: 'redriven'; redriveDate?: Date } | { status: 'not-redrivable'; reason: string };

/** RedriveExecution with a caller-chosen token. `ExecutionNotRedrivable` is an answer, not an exception. */
export async function redriveExecution(sfn: SFNClient, executionArn: string, clientToken: string): Promise<RedriveResult> {
  try {
    const out = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken }));
    return { status: 'redriven', redriveDate: out.redriveDate };
  } catch (e) {
    if ((e as Error).name === 'ExecutionNotRedrivable') return { status: 'not-redrivable', reason: (e as Error).message };
    throw e;
  }
}

/** Where and why an execution stopped: the state it was in, and the error and cause it failed with. */
export interface ExecutionFailure {
  state?: string;
  error?: string;
  cause?: string;
}

/** GetExecutionHistory pages read newest first; a failure sits at the end, so one page usually does. */
const HISTORY_PAGE_LIMIT = 20;

export async function getExecutionFailure(sfn: SFNClient, executionArn: string): Promise<ExecutionFailure> {
  const failure: ExecutionFailure = {};
  let pages = 0;
  const history = paginateGetExecutionHistory(
    { client: sfn, pageSize: 100 },
    // Without execution data: the failure needs no state input/output (which may hold secrets).
    { executionArn, reverseOrder: true, includeExecutionData: false },
  );
  for await (const page of history) {
    if (readFailure(page.events ?? [], failure) || ++pages >= HISTORY_PAGE_LIMIT) break;
  }
  return failure;
}

/**
 * Pure part of `getExecutionFailure`: folds events (newest first) into `failure`. Takes the error and
 * cause of the newest `…Failed` / `…TimedOut` / `…Aborted` events (ExecutionFailed, then the
 * TaskFailed / LambdaFunctionFailed under it) and the state entered before them. True when done.
 */
export function readFailure(eventsNewestFirst: HistoryEvent[], failure: ExecutionFailure): boolean {
  for (const event of eventsNewestFirst) {
    const type = event.type ?? '';
    if (type.endsWith('StateEntered')) {
      failure.state = event.stateEnteredEventDetails?.name;
      return true;
    }
    if (type === 'ExecutionStarted' || type === 'ExecutionRedriven') return true;
    if (/(Failed|TimedOut|Aborted)$/.test(type)) {
      const details = eventDetails(event);
      failure.error ??= details?.error || undefined;
      failure.cause ??= readableCause(details?.cause);
    }
  }
  return false;
}

function eventDetails(event: HistoryEvent): { error?: string; cause?: string } | undefined {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') return value as { error?: string; cause?: string };
  }
  return undefined;
}

/**
 * A Lambda error's cause is `{"errorType","errorMessage","trace":[…]}`: keep the message a person
 * acts on, drop the stack trace. Any other cause is returned as it is.
 */
export function readableCause(cause: string | null | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (parsed && typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: a plain message
  }
  return cause;
}

// ---- approval (callback tasks) ----

/** GetExecutionHistory, newest first, with execution data (a waiting task's parameters hold its token). */
export async function* historyNewestFirst(sfn: SFNClient, executionArn: string): AsyncGenerator<HistoryEvent> {
  for await (const page of paginateGetExecutionHistory({ client: sfn, pageSize: 100 }, { executionArn, reverseOrder: true, includeExecutionData: true })) {
    yield* page.events ?? [];
  }
}

/** SendTaskSuccess: the waiting state continues with `output`. */
export async function sendTaskSuccess(sfn: SFNClient, taskToken: string, output: unknown): Promise<void> {
  await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
}

/** SendTaskFailure: the waiting state fails with `error` and `cause`. */
export async function sendTaskFailure(sfn: SFNClient, taskToken: string, error: string, cause: string): Promise<void> {
  await sfn.send(new SendTaskFailureCommand({ taskToken, error, cause }));
}
