import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { PackageSettings } from './config';
import { NotApproved } from './errors';
import { approvalRequiredNow } from './recheck';
import type { ReleaseState } from './request';

/** The state that asks a person (statemachines/release.asl.json) and the answer `pkgrelease approve` sends. */
export const APPROVAL_STATE = 'WaitForApproval';

/**
 * Promote's gate, proven from Step Functions rather than read from its input: a Lambda can be invoked
 * directly with any state, `steps.approval` included, so the approval counts only when the execution's
 * own history shows `WaitForApproval` exiting with `{ decision: 'approved' }` for this very release
 * (package, version, clientToken, pinned artifact). `history` is GetExecutionHistory of the execution
 * the state machine says runs Promote (`$$.Execution.Id`), newest first.
 */
export async function assertApprovedByExecution(
  release: ReleaseState,
  settings: PackageSettings,
  execution: { arn: string; stateMachineName: string | undefined },
  history: (executionArn: string) => AsyncIterable<HistoryEvent>,
): Promise<void> {
  if (!approvalRequiredNow(settings)) return;
  const refuse = (why: string) =>
    new NotApproved(
      `${release.packageName}@${release.versionName} requires approval ("requireApproval" in config/packages.json) and ${why}; ` +
        'nothing was published. Start a new execution with the same input: it waits for "pkgrelease approve"',
    );
  if (!isExecutionOf(execution.arn, execution.stateMachineName)) throw refuse(`"${execution.arn}" is not an execution of the release state machine`);
  try {
    for await (const event of history(execution.arn)) {
      const exited = event.type === 'TaskStateExited' ? event.stateExitedEventDetails : undefined;
      if (exited?.name === APPROVAL_STATE && approvedThisRelease(exited.output, release)) return;
    }
  } catch (e) {
    // A made-up ARN: no such execution to have been approved. Anything else (a throttle) propagates.
    if ((e as Error).name === 'ExecutionDoesNotExist' || (e as Error).name === 'InvalidArn') throw refuse(`execution "${execution.arn}" does not exist`);
    throw e;
  }
  throw refuse('this execution was not approved at WaitForApproval');
}

/** `arn:<partition>:states:<region>:<account>:execution:<state machine name>:<execution name>`. */
function isExecutionOf(arn: string, stateMachineName: string | undefined): boolean {
  const parts = arn.split(':');
  return parts.length === 8 && parts[2] === 'states' && parts[5] === 'execution' && (!stateMachineName || parts[6] === stateMachineName);
}

function approvedThisRelease(output: string | undefined, release: ReleaseState): boolean {
  let state: Partial<ReleaseState> & { steps?: { approval?: { decision?: unknown } } };
  try {
    state = JSON.parse(output ?? 'null') ?? {};
  } catch {
    return false;
  }
  return (
    state.steps?.approval?.decision === 'approved' &&
    state.packageName === release.packageName &&
    state.versionName === release.versionName &&
    state.clientToken === release.clientToken &&
    state.artifact?.bucket === release.artifact.bucket &&
    state.artifact?.key === release.artifact.key &&
    state.artifact?.version === release.artifact.version
  );
}
