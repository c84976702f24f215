import type { SFNClient } from '@aws-sdk/client-sfn';
import { startExecution, type StartResult } from '../../clients/sfn';
import { deriveClientToken, executionName } from '../identity';
import { parseReleaseInput } from '../inputs';
import { withoutUndefined } from '../request';

export interface TriggerResult {
  executionName: string;
  clientToken: string;
  start: StartResult;
}

/** The request the trigger hands to the state machine: Prepare completes and validates it. */
export interface TriggeredRequest {
  packageName: string;
  versionName: string;
  artifact: { bucket: string; key: string; version?: string; etag?: string };
  clientToken: string;
}

/** S3 "Object Created" event → release request with a deterministic token and execution name. */
export function requestFromS3Event(event: unknown): TriggeredRequest {
  const draft = parseReleaseInput(event);
  return withoutUndefined({
    packageName: draft.packageName,
    versionName: draft.versionName,
    artifact: draft.artifact,
    clientToken: deriveClientToken(draft.artifact),
  });
}

/** Starts (at most once per artifact) the release execution. A duplicate event is success. */
export async function startRelease(request: TriggeredRequest, deps: { sfn: SFNClient; stateMachineArn: string }): Promise<TriggerResult> {
  const name = executionName(request.packageName, request.versionName, request.clientToken);
  const start = await startExecution(deps.sfn, deps.stateMachineArn, name, request);
  return { executionName: name, clientToken: request.clientToken, start };
}
