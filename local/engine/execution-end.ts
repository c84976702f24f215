import { recordExecutionEnded } from '../../lib/lambda/metrics';
import type { ExecutionRecord } from './executions';

/**
 * What EventBridge's "Execution Status Change" event makes the notify Lambda record on AWS, for
 * the local engine (which has no EventBridge): once per run that ended (a redrive's end again).
 */
export function executionEndRecorder(): (execution: ExecutionRecord) => void {
  const seen = new Set<string>();
  return (e) => {
    if (e.status === 'RUNNING' || !e.stopDate) return;
    const run = `${e.name}#${e.redriveCount}`;
    if (seen.has(run)) return;
    seen.add(run);
    const release = [...e.states].reverse().find((s) => (s.output as { packageName?: unknown } | undefined)?.packageName)?.output as { packageName?: string; versionName?: string } | undefined;
    recordExecutionEnded(
      { status: e.status, startDate: Date.parse(e.startDate), stopDate: e.stopDate ? Date.parse(e.stopDate) : null, error: e.error ?? null, redriveCount: e.redriveCount },
      { packageName: release?.packageName, versionName: release?.versionName },
    );
  };
}
