import { PutObjectCommand } from '@aws-sdk/client-s3';
import { redriveOne } from '../../lib/operations/redrive';
import { startAgain } from '../../lib/operations/start';
import { InvalidRelease } from '../../lib/release/errors';
import { releaseKey } from '../../lib/release/key-convention';
import { validateNames } from '../../lib/release/validate';
import type { ConsoleDeps } from './deps';

/**
 * The console's buttons. Each is one of the calls the CLI (or `aws s3 cp`) makes, so the page can
 * change nothing the CLI could not: RedriveExecution, StartExecution, S3 PutObject.
 */
export type ActionResult = { ok: true; [k: string]: unknown } | { ok: false; reason: string };

/** Redrive, refused with the reason when the error is one a redrive cannot fix (the CLI's rule). */
export async function redrive(deps: ConsoleDeps, executionArn: string): Promise<ActionResult> {
  const outcome = await redriveOne(deps.sfn, executionArn);
  if (outcome.result === 'redriven') return { ok: true, detail: outcome.detail };
  const { unfixable } = outcome;
  return { ok: false, reason: unfixable ? `${unfixable.error}: a redrive re-runs the same input and cannot fix this — ${unfixable.action}` : outcome.detail };
}

/** New execution with the same input, under a fresh name. */
export async function newExecution(deps: ConsoleDeps, executionArn: string): Promise<ActionResult> {
  const started = await startAgain(deps.sfn, deps.stateMachineArn, executionArn);
  return started.status === 'started' ? { ok: true, executionArn: started.executionArn } : { ok: false, reason: `execution ${started.name} already exists` };
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
