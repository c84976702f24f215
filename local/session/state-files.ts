import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionRecord } from '../engine/executions';
import { writeFileAtomic } from '../fs/atomic-write';
import type { CallCounts } from '../twin';

/**
 * The session's own files in the state dir (the twin keeps its services' files itself): the
 * engine's executions, and the call counts of every earlier command (`local state` shows the total).
 * Writes are coalesced into one per event-loop turn and atomic, so a reader never sees half a file
 * and a killed process loses at most one turn.
 */
export const EXECUTIONS_FILE = 'executions.json';
const CALLS_FILE = 'calls.json';

export class SessionFiles {
  private scheduled: NodeJS.Immediate | undefined;

  /** Without a state dir nothing is read or written. */
  constructor(
    private readonly stateDir: string | undefined,
    private readonly produce: () => { executions: ExecutionRecord[]; calls: CallCounts },
  ) {}

  executions(): ExecutionRecord[] {
    return this.read<ExecutionRecord[]>(EXECUTIONS_FILE) ?? [];
  }

  /** Call counts of the commands before this one. */
  priorCalls(): CallCounts {
    return this.read<CallCounts>(CALLS_FILE) ?? {};
  }

  /** Coalesces a burst of progress events into one write on the next event-loop turn. */
  scheduleSave(): void {
    this.scheduled ??= setImmediate(() => this.save());
  }

  save(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (!this.stateDir) return;
    mkdirSync(this.stateDir, { recursive: true });
    const { executions, calls } = this.produce();
    writeFileAtomic(join(this.stateDir, EXECUTIONS_FILE), JSON.stringify(executions, null, 1));
    writeFileAtomic(join(this.stateDir, CALLS_FILE), JSON.stringify(calls, null, 1));
  }

  private read<T>(name: string): T | undefined {
    const file = this.stateDir ? join(this.stateDir, name) : undefined;
    return file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
  }
}
