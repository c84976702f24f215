import { PutObjectCommand } from '@aws-sdk/client-s3';
import { planRollback, previewRollback, renderPreview, requestedByDefault, startRollback } from '../../lib/operations/rollback';
import { redriveOne } from '../../lib/operations/redrive';
import { startAgain } from '../../lib/operations/start';
import { InvalidRelease } from '../../lib/release/errors';
import { releaseKey } from '../../lib/release/key-convention';
import { rollbackMachineArn } from '../../lib/release/rollback/machine';
import { compareVersions } from '../../lib/release/version-order';
import { validateNames } from '../../lib/release/validate';
import type { TwinCatalog } from '../twin';
import type { ConsoleDeps } from './deps';

/**
 * The console's buttons. Each is one of the calls the CLI (or `aws s3 cp`) makes, so the page can
 * change nothing the CLI could not: RedriveExecution, StartExecution (of a release, or of the
 * rollback machine as `pkgrelease rollback` starts it), S3 PutObject; and the rollback's
 * --dry-run preview, which only reads.
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

export interface RollbackRequest {
  packageName: string;
  targetVersion: string;
  reason?: string;
  requestedBy?: string;
}

/** The refusals planRollback names before anything changes (the CLI prints them and starts nothing). */
const ROLLBACK_REFUSALS = new Set(['RollbackTargetInvalid', 'RollbackTargetGone', 'InvalidRelease']);

/** planRollback as the CLI calls it; requestedBy defaults to `console:<login>`. */
async function planned(deps: ConsoleDeps, req: RollbackRequest) {
  const ask = { packageName: req.packageName, targetVersion: req.targetVersion, requestedBy: req.requestedBy || `console:${requestedByDefault()}`, reason: req.reason || undefined };
  return planRollback(ask, { iot: deps.iot, s3: deps.s3 });
}

async function refusedOr(run: () => Promise<ActionResult>): Promise<ActionResult> {
  try {
    return await run();
  } catch (e) {
    if (ROLLBACK_REFUSALS.has((e as Error).name)) return { ok: false, reason: `${(e as Error).name}: ${(e as Error).message}` };
    throw e;
  }
}

/** `pkgrelease rollback --dry-run`: the plan and what would change on each side; reads only. */
export function previewRollbackAction(deps: ConsoleDeps, req: RollbackRequest): Promise<ActionResult> {
  return refusedOr(async () => {
    const plan = await planned(deps, req);
    const preview = renderPreview(plan, await previewRollback(plan, deps.packagesConfig(), { iot: deps.iot, opensearch: deps.opensearch }));
    return { ok: true, preview, executionName: plan.executionName, plan: plan.plan };
  });
}

/** `pkgrelease rollback`: plan, then StartExecution on the rollback machine (the same ask twice starts one). */
export function rollback(deps: ConsoleDeps, req: RollbackRequest): Promise<ActionResult> {
  return refusedOr(async () => {
    const plan = await planned(deps, req);
    const machine = rollbackMachineArn(deps.stateMachineArn);
    const started = await startRollback(deps.sfn, machine, plan);
    if (started.status === 'started') return { ok: true, executionArn: started.executionArn, executionName: plan.executionName };
    return { ok: true, executionArn: `${machine.replace(':stateMachine:', ':execution:')}:${plan.executionName}`, executionName: plan.executionName, alreadyStarted: true };
  });
}

/** Where the catalog page offers "Roll back to this version": PUBLISHED or DEPRECATED, older than the default (the ordering rule). */
export function withRollbackTargets(catalog: TwinCatalog) {
  const iot = Object.fromEntries(Object.entries(catalog.iot).map(([name, p]) => {
    const older = (v: string) => p.defaultVersion !== null && compareVersions(v, p.defaultVersion) < 0;
    return [name, { ...p, rollbackTargets: Object.entries(p.versions).filter(([v, info]) => ['PUBLISHED', 'DEPRECATED'].includes(info.status) && older(v)).map(([v]) => v) }];
  }));
  return { ...catalog, iot };
}
