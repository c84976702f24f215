import type { HistoryEvent } from '@aws-sdk/client-sfn';

/**
 * Per-state outcome of one execution, read from its GetExecutionHistory events (oldest first) the
 * way the Step Functions console colours its graph. Pure, so the rules are tested without a browser.
 */
export type StateOutcome = 'succeeded' | 'failed' | 'caught' | 'running' | 'not-reached';

export interface StateView {
  name: string;
  outcome: StateOutcome;
  /** Times the state was entered (a Wait-state loop enters a state again on every poll). */
  entries: number;
  /** Attempts that failed and were retried (a Retry-based poll counts its polls here). */
  retries: number;
  /** Of the latest entry, as the history holds them (JSON text). */
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
}

interface Entry {
  name: string;
  attempts: number;
  failed: boolean;
  resolved?: 'succeeded' | 'failed' | 'caught';
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
}

const ATTEMPT = new Set(['LambdaFunctionScheduled', 'TaskScheduled', 'ActivityScheduled']);
const EXECUTION_END = /^Execution(Failed|TimedOut|Aborted)$/;

export function stateViews(events: HistoryEvent[], stateNames: string[], executionStatus: string | undefined): StateView[] {
  const entries: Entry[] = [];
  let current: Entry | undefined;
  for (const event of events) {
    const type = event.type ?? '';
    const details = detailsOf(event);
    if (type.endsWith('StateEntered')) {
      // Moving on from a state whose attempt failed, without the execution failing: a Catch took it.
      if (current && !current.resolved && current.failed) current.resolved = 'caught';
      current = { name: event.stateEnteredEventDetails?.name ?? '', attempts: 0, failed: false, input: event.stateEnteredEventDetails?.input };
      entries.push(current);
    } else if (!current) {
    } else if (ATTEMPT.has(type)) {
      current.attempts++;
    } else if (type.endsWith('StateExited')) {
      Object.assign(current, { resolved: 'succeeded', output: event.stateExitedEventDetails?.output, error: undefined, cause: undefined });
    } else if (EXECUTION_END.test(type)) {
      if (!current.resolved) Object.assign(current, { resolved: 'failed', error: current.error ?? details.error, cause: current.cause ?? details.cause });
    } else if (/Failed$|TimedOut$/.test(type)) {
      current.failed = true;
      if (details.error) Object.assign(current, { error: details.error, cause: details.cause });
    }
  }
  return stateNames.map((name) => view(name, entries.filter((e) => e.name === name), executionStatus));
}

function view(name: string, entries: Entry[], executionStatus: string | undefined): StateView {
  const latest = entries.at(-1);
  if (!latest) return { name, outcome: 'not-reached', entries: 0, retries: 0 };
  const outcome: StateOutcome = latest.resolved ?? (executionStatus === 'RUNNING' ? 'running' : 'failed');
  return {
    name,
    outcome,
    entries: entries.length,
    retries: entries.reduce((sum, e) => sum + Math.max(0, e.attempts - 1), 0),
    input: latest.input,
    output: latest.output,
    error: latest.error,
    cause: latest.cause,
  };
}

/** The one `…EventDetails` member every history event carries. */
function detailsOf(event: HistoryEvent): { error?: string; cause?: string } {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') return value as { error?: string; cause?: string };
  }
  return {};
}
