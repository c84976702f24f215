import { type ExecutionRecord, executionClientToken } from '../engine/executions';
import type { CallCounts, TwinCatalog } from '../twin';

/**
 * What a local command reports (`--json` prints it as it is): every execution with its states and
 * errors, the twin's catalog, and the calls each operation answered.
 */
export interface LocalReport {
  executions: {
    name: string;
    status: string;
    error: string | null;
    cause: string | null;
    clientToken: string | null;
    redriveCount: number;
    states: string[];
    /** Per state: retries, and errors by name (injected faults and polls included). */
    stateStats: Record<string, { retries: number; errors: Record<string, number> }>;
  }[];
  catalog: TwinCatalog;
  calls: CallCounts;
}

export type ExecutionReportLine = LocalReport['executions'][number];

export function executionLine(e: ExecutionRecord): ExecutionReportLine {
  return {
    name: e.name,
    status: e.status,
    error: e.error ?? null,
    cause: e.cause ?? null,
    clientToken: executionClientToken(e) ?? null,
    redriveCount: e.redriveCount,
    states: e.states.map((s) => s.name),
    stateStats: stateStats(e),
  };
}

/** A trigger delivery that failed after Lambda's retries, shown as a failed line of its own. */
export function triggerFailureLine(t: { key: string; error: string; message: string }): ExecutionReportLine {
  return { name: `trigger ${t.key}`, status: 'FAILED', error: t.error, cause: t.message, clientToken: null, redriveCount: 0, states: [], stateStats: {} };
}

function stateStats(e: ExecutionRecord): ExecutionReportLine['stateStats'] {
  const stats: ExecutionReportLine['stateStats'] = {};
  for (const state of e.states) {
    const entry = (stats[state.name] ??= { retries: 0, errors: {} });
    entry.retries += state.retries;
    for (const [name, n] of Object.entries(state.errors ?? {})) entry.errors[name] = (entry.errors[name] ?? 0) + n;
  }
  return stats;
}

/** Call counts added up operation by operation (this session's onto earlier ones'). */
export function addCalls(a: CallCounts, b: CallCounts): CallCounts {
  const total = structuredClone(a);
  for (const [op, c] of Object.entries(b)) {
    total[op] = { succeeded: (total[op]?.succeeded ?? 0) + c.succeeded, failed: (total[op]?.failed ?? 0) + c.failed };
  }
  return total;
}
