import type { SFNClient } from '@aws-sdk/client-sfn';
import { startExecution, type StartResult } from '../../clients/sfn';
import { admitDraft, type AdmitDeps } from '../admit';
import { InvalidRelease } from '../errors';
import { deriveClientToken, executionName } from '../identity';
import { parseReleaseInput } from '../inputs';
import { type TriggeredRequest, withoutUndefined } from '../request';

export interface TriggerResult {
  executionName: string;
  clientToken: string;
  start: StartResult;
}

/**
 * S3 "Object Created" event (EventBridge) → release request with a deterministic token and
 * execution name. Everything Prepare could refuse without reading S3 is refused here, before
 * StartExecution, so a bad upload starts no execution: InvalidRelease (the event then ends in the
 * trigger's dead-letter queue, whose alarm tells the operators).
 */
export function requestFromS3Event(event: unknown, deps: AdmitDeps): TriggeredRequest {
  if (!event || typeof event !== 'object' || !('detail-type' in event)) {
    throw new InvalidRelease('the trigger takes EventBridge "Object Created" events from the artifact bucket only', 'detail-type');
  }
  const draft = parseReleaseInput(event);
  admitDraft(draft, deps);
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
