import { type ExecutionReport, isFailure, type StatusReport } from '../../lib/operations/status';
import { renderRollout } from '../../lib/operations/release-progress';
import { redriveAdvice } from '../../lib/release/redrive-policy';

/** The human view: one line per execution, and an indented cause line under each failure. */
export function renderStatusTable(report: StatusReport, width = 160): string {
  if (report.executions.length === 0) {
    return `No ${report.failedOnly ? 'failed ' : ''}executions since ${report.since}.`;
  }
  const header = ['STARTED (UTC)', 'STATUS', 'RELEASE', 'FAILED STATE', 'ERROR', 'REDRIVE'];
  const rows = report.executions.map((e) => [
    e.startDate.slice(0, 16).replace('T', ' '),
    e.status,
    e.package ? `${e.package}@${e.version ?? '?'}` : e.name,
    e.failedState ?? '',
    e.error ?? '',
    redriveCell(e),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(header)];
  report.executions.forEach((e, i) => {
    out.push(line(rows[i]!));
    const notes = [e.sbom && `sbom: ${e.sbom}`, e.rollout && `rollout: ${renderRollout(e.rollout)}`, e.cause && `cause: ${e.cause.replace(/\s+/g, ' ')}`, e.nextAction && `next: ${e.nextAction}`, e.lookupError && `lookup failed: ${e.lookupError}`];
    for (const note of notes) if (note) out.push(`  ${note.length > width - 2 ? `${note.slice(0, width - 5)}...` : note}`);
  });
  return out.join('\n');
}

/** Step Functions calls every failure REDRIVABLE; a failure of the input needs a new release instead. */
function redriveCell(e: ExecutionReport): string {
  if (!e.redriveStatus) return '';
  if (isFailure(e.status) && !redriveAdvice(e.error).redrivable) return 'NO: NEW RELEASE';
  return `${e.redriveStatus}${e.redriveCount ? ` (${e.redriveCount}x)` : ''}`;
}
