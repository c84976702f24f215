import type { DescribeExecutionCommandOutput, ExecutionListItem, SFNClient } from '@aws-sdk/client-sfn';
import { describeExecution, type ExecutionFailure, getExecutionFailure, listExecutionsSince, readableCause } from '../clients/sfn';
import { executionConsoleUrl, FAILURE_STATUSES } from '../notifications/format';
import { summariseReleaseInput } from '../notifications/release-summary';
import { redriveAdvice } from '../release/redrive-policy';
import { withoutUndefined } from '../release/request';
import pLimit from 'p-limit';
import { type RolloutProgress, rolloutProgressOf, runningStateOutput, sbomValidationOf } from './release-progress';

/**
 * Execution reports: what `pkgrelease status` and the local console show for each execution, read
 * through the Step Functions API (describe, and the failed state from the history).
 */
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
  /** AWS IoT's validation of the release's SBOM, from the output (steps.checkSbom), when it has one. */
  sbom?: string;
  /** The rollout to devices (`$.rollout`): stage, job, each ended stage's counts; from the newest state output while running. */
  rollout?: RolloutProgress;
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
  const executions = await pLimit(opts.concurrency ?? 4).map(listed, (e) => reportExecution(sfn, e));
  return { stateMachineArn: opts.stateMachineArn, since: opts.since.toISOString(), failedOnly: Boolean(opts.failedOnly), executions };
}

export async function reportExecution(sfn: SFNClient, item: ExecutionListItem): Promise<ExecutionReport> {
  const arn = item.executionArn!;
  let described: DescribeExecutionCommandOutput | undefined;
  let failure: ExecutionFailure = {};
  let lookupError: string | undefined;
  let state: string | undefined;
  try {
    described = await describeExecution(sfn, arn);
    if (isFailure(described.status ?? item.status)) failure = await getExecutionFailure(sfn, arn);
    state = described.output ?? (described.status === 'RUNNING' || isFailure(described.status) ? await runningStateOutput(sfn, arn) : undefined);
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
    sbom: sbomValidationOf(state),
    rollout: rolloutProgressOf(state),
    consoleUrl: executionConsoleUrl(arn),
    lookupError,
  });
}

export function isFailure(status: string | undefined): boolean {
  return (FAILURE_STATUSES as readonly (string | undefined)[]).includes(status);
}
