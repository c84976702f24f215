import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { executionNameOf, redriveOne } from '../../cli/operator/redrive';
import { describeExecution, startExecution } from '../../lib/clients/sfn';
import { STEP_FUNCTIONS } from '../../lib/release/constraints';
import { InvalidRelease } from '../../lib/release/errors';
import { releaseKey } from '../../lib/release/key-convention';
import { redriveAdvice } from '../../lib/release/redrive-policy';
import { validateNames } from '../../lib/release/validate';
import type { ConsoleDeps } from './deps';

/**
 * The console's buttons. Each is one of the calls the CLI (or `aws s3 cp`) makes, so the page can
 * change nothing the CLI could not: RedriveExecution, StartExecution, S3 PutObject.
 */
export type ActionResult = { ok: true; [k: string]: unknown } | { ok: false; reason: string };

/** Redrive, refused with the reason when the error is one a redrive cannot fix (same rule as the CLI). */
export async function redrive(deps: ConsoleDeps, executionArn: string): Promise<ActionResult> {
  const d = await describeExecution(deps.sfn, executionArn);
  const advice = redriveAdvice(d.error);
  if (d.error && !advice.redrivable) return { ok: false, reason: `${d.error}: a redrive re-runs the same input and cannot fix this — ${advice.action}` };
  const outcome = await redriveOne(deps.sfn, executionArn);
  return outcome.result === 'redriven' ? { ok: true, detail: outcome.detail } : { ok: false, reason: outcome.detail };
}

/** New execution with the same input: a fresh name, as the AWS console's "New execution" gives one. */
export async function startAgain(deps: ConsoleDeps, executionArn: string): Promise<ActionResult> {
  const d = await describeExecution(deps.sfn, executionArn);
  const suffix = `-${randomUUID()}`;
  const name = `${executionNameOf(executionArn).slice(0, STEP_FUNCTIONS.executionName.max - suffix.length)}${suffix}`;
  const started = await startExecution(deps.sfn, deps.stateMachineArn, name, JSON.parse(d.input ?? '{}'));
  return started.status === 'started' ? { ok: true, executionArn: started.executionArn } : { ok: false, reason: `execution ${name} already exists` };
}

export interface UploadRequest {
  packageName: string;
  versionName: string;
  fileName: string;
  body: Buffer;
}

/** PutObject under the key convention: the S3 drop path starts the release, exactly as `aws s3 cp` does. */
export async function upload(deps: ConsoleDeps, req: UploadRequest): Promise<ActionResult> {
  try {
    validateNames(req.packageName, req.versionName);
    if (!req.fileName || /[/\\]/.test(req.fileName)) throw new InvalidRelease('choose a file: its name becomes the last part of the key and may not contain "/"', 'file');
    if (req.body.length === 0) throw new InvalidRelease(`${req.fileName} is empty; an artifact needs content`, 'file');
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  const key = releaseKey(req.packageName, req.versionName, req.fileName);
  const out = await deps.s3.send(new PutObjectCommand({ Bucket: deps.bucket, Key: key, Body: req.body }));
  return { ok: true, bucket: deps.bucket, key, versionId: out.VersionId };
}
