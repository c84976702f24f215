import type { DescribeExecutionCommandOutput, ExecutionListItem, SFNClient } from '@aws-sdk/client-sfn';
import { describeExecution, type ExecutionFailure, getExecutionFailure, listExecutionsSince, readableCause } from '../../lib/clients/sfn';
import { executionConsoleUrl, FAILURE_STATUSES } from '../../lib/notifications/format';
import { summariseReleaseInput } from '../../lib/notifications/release-summary';
import { redriveAdvice } from '../../lib/release/redrive-policy';
import { withoutUndefined } from '../../lib/release/request';
import { mapLimit } from './concurrency';

/** One execution as `pkgrelease status --json` prints it (absent members are unknown or not applicable). */
export interface ExecutionReport {
  name: string;
  executionArn: string;
  status: string;
  startDate: string;
  stopDate?: string;
  package?: string;
  version?: string;
  clientToken?: string;
  failedState?: string;
  error?: string;
  cause?: string;
  redriveStatus?: string;
  redriveStatusReason?: string;
  redriveCount?: number;
  /** For a failure: what a person does next (lib/release/redrive-policy.ts); redrive or a new release. */
  nextAction?: string;
  consoleUrl: string;
  /** Describe/history calls that failed (e.g. throttled after the SDK's retries); the rest is still shown. */
  lookupError?: string;
}

export interface StatusReport {
  stateMachineArn: string;
  since: string;
  failedOnly: boolean;
  executions: ExecutionReport[];
}

export interface StatusOptions {
  stateMachineArn: string;
  since: Date;
  failedOnly?: boolean;
  /** Describe/history calls in flight at once (each execution costs one or two). */
  concurrency?: number;
}

export async function collectStatus(sfn: SFNClient, opts: StatusOptions): Promise<StatusReport> {
  const listed: ExecutionListItem[] = [];
  for await (const execution of listExecutionsSince(sfn, opts.stateMachineArn, opts.since)) {
    if (!opts.failedOnly || isFailure(execution.status)) listed.push(execution);
  }
  const executions = await mapLimit(listed, opts.concurrency ?? 4, (e) => reportExecution(sfn, e));
  return { stateMachineArn: opts.stateMachineArn, since: opts.since.toISOString(), failedOnly: Boolean(opts.failedOnly), executions };
}

export async function reportExecution(sfn: SFNClient, item: ExecutionListItem): Promise<ExecutionReport> {
  const arn = item.executionArn!;
  let described: DescribeExecutionCommandOutput | undefined;
  let failure: ExecutionFailure = {};
  let lookupError: string | undefined;
  try {
    described = await describeExecution(sfn, arn);
    if (isFailure(described.status ?? item.status)) failure = await getExecutionFailure(sfn, arn);
  } catch (e) {
    lookupError = `${(e as Error).name}: ${(e as Error).message}`;
  }
  const release = summariseReleaseInput(described?.input);
  const error = described?.error ?? failure.error;
  const status = described?.status ?? item.status ?? 'UNKNOWN';
  return withoutUndefined({
    name: item.name ?? arn,
    executionArn: arn,
    status,
    startDate: item.startDate!.toISOString(),
    stopDate: (described?.stopDate ?? item.stopDate)?.toISOString(),
    package: release.package,
    version: release.version,
    clientToken: release.clientToken,
    failedState: failure.state,
    error,
    cause: readableCause(described?.cause) ?? failure.cause,
    redriveStatus: described?.redriveStatus,
    redriveStatusReason: described?.redriveStatusReason,
    redriveCount: described?.redriveCount ?? item.redriveCount,
    nextAction: isFailure(status) ? redriveAdvice(error).action : undefined,
    consoleUrl: executionConsoleUrl(arn),
    lookupError,
  });
}

export function isFailure(status: string | undefined): boolean {
  return (FAILURE_STATUSES as readonly (string | undefined)[]).includes(status);
}

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
    const notes = [e.cause && `cause: ${e.cause.replace(/\s+/g, ' ')}`, e.nextAction && `next: ${e.nextAction}`, e.lookupError && `lookup failed: ${e.lookupError}`];
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
