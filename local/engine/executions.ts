/** What the local engine records of each execution (persisted in the state dir between commands). */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface StateRecord {
  name: string;
  type: string;
  status: 'ENTERED' | 'SUCCEEDED' | 'FAILED';
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  retries: number;
  /** Every error this state raised, counted by name (retried attempts included). */
  errors?: Record<string, number>;
  /** When the state was entered and when it stopped (absent in records written before they were kept). */
  enteredDate?: string;
  stoppedDate?: string;
}

export interface ExecutionRecord {
  name: string;
  executionArn: string;
  status: ExecutionStatus;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  startDate: string;
  stopDate?: string;
  redriveCount: number;
  /** States entered, in order, across the first run and every redrive. */
  states: StateRecord[];
}

/** The state a redrive resumes at: the last state that failed, with the input it was given. */
export function failedState(execution: ExecutionRecord): StateRecord | undefined {
  return [...execution.states].reverse().find((s) => s.status === 'FAILED');
}

/** Which package version an execution releases, once Prepare has produced the canonical request. */
export function preparedVersionOf(execution: ExecutionRecord): { packageName: string; versionName: string } | undefined {
  const out = execution.states.find((s) => s.name === 'Prepare' && s.status === 'SUCCEEDED')?.output as { packageName?: unknown; versionName?: unknown } | undefined;
  return typeof out?.packageName === 'string' && typeof out.versionName === 'string' ? { packageName: out.packageName, versionName: out.versionName } : undefined;
}

/** The release's clientToken, once Prepare has produced the canonical request. */
export function executionClientToken(execution: ExecutionRecord): string | undefined {
  for (const s of execution.states) {
    const token = (s.output as { clientToken?: unknown } | undefined)?.clientToken;
    if (typeof token === 'string') return token;
  }
  const input = execution.input as { clientToken?: unknown } | undefined;
  return typeof input?.clientToken === 'string' ? input.clientToken : undefined;
}
