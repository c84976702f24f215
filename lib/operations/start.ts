import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { describeExecution, startExecution, type StartResult } from '../clients/sfn';
import { STEP_FUNCTIONS } from '../release/constraints';
import { pinArtifact } from '../release/artifact';
import { InvalidRelease } from '../release/errors';
import { deriveClientToken, executionName } from '../release/identity';
import { parseReleaseInput } from '../release/inputs';
import { parseReleaseKey } from '../release/key-convention';
import { type ReleaseDraft, withoutUndefined } from '../release/request';
import { validateNames } from '../release/validate';
import { executionNameOf } from './redrive';

/**
 * `pkgrelease start`: a manifest (or release request) file, or an S3 URI → the release request the
 * trigger would send, under the same deterministic execution name. The artifact is pinned to one
 * S3 object version first, so the name, the clientToken and what Prepare releases all agree.
 */
export interface PlannedStart {
  executionName: string;
  /** The execution input: a release request (the shape the trigger sends). */
  input: Record<string, unknown> & { packageName: string; versionName: string; clientToken: string };
}

/** `s3://bucket/releases/<package>/<version>/<file>` (the key as stored, not URL-encoded). */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new InvalidRelease(`"${uri}" is not an S3 URI like s3://bucket/releases/<package>/<version>/<file>`, 'artifact');
  return { bucket: m[1]!, key: m[2]! };
}

export async function planFromS3Uri(s3: S3Client, uri: string, versionId?: string): Promise<PlannedStart> {
  const { bucket, key } = parseS3Uri(uri);
  const { packageName, versionName } = parseReleaseKey(key);
  return plan(s3, { source: 's3-event', packageName, versionName, artifact: { bucket, key, version: versionId } });
}

/** A manifest (or release request) as read from a file: Prepare's own parser decides which. */
export async function planFromManifest(s3: S3Client, manifest: unknown): Promise<PlannedStart> {
  return plan(s3, parseReleaseInput(manifest));
}

async function plan(s3: S3Client, draft: ReleaseDraft): Promise<PlannedStart> {
  validateNames(draft.packageName, draft.versionName);
  const { artifact } = await pinArtifact(s3, draft.artifact);
  const clientToken = draft.clientToken ?? deriveClientToken(artifact);
  const { source: _source, ...fields } = draft;
  const input = withoutUndefined({ ...fields, artifact, clientToken });
  return { executionName: executionName(draft.packageName, draft.versionName, clientToken), input };
}

export async function startPlanned(sfn: SFNClient, stateMachineArn: string, planned: PlannedStart): Promise<StartResult> {
  return startExecution(sfn, stateMachineArn, planned.executionName, planned.input);
}

/**
 * New execution with the same input as `executionArn`, under a fresh name, as the AWS console's
 * "New execution" gives one. Returns the started execution's ARN and name.
 */
export async function startAgain(sfn: SFNClient, stateMachineArn: string, executionArn: string): Promise<StartResult & { name: string }> {
  const d = await describeExecution(sfn, executionArn);
  const suffix = `-${randomUUID()}`;
  const name = `${executionNameOf(executionArn).slice(0, STEP_FUNCTIONS.executionName.max - suffix.length)}${suffix}`;
  return { ...(await startExecution(sfn, stateMachineArn, name, JSON.parse(d.input ?? '{}'))), name };
}
