import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

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
