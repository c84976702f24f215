import type { SFNClient } from '@aws-sdk/client-sfn';
import { describeExecution, listExecutionsSince, redriveExecution } from '../clients/sfn';
import { deriveSubToken } from '../release/identity';
import { type RedriveAdvice, redriveAdvice } from '../release/redrive-policy';

/**
 * Redrive with its advice: `pkgrelease redrive`, `local redrive` and the console's button all skip
 * (and say why) a failure that a redrive cannot fix, by one rule.
 */

/** What happened to one execution. `failed` means the attempt itself failed (e.g. throttled): try again. */
export interface RedriveOutcome {
  executionArn: string;
  name: string;
  /** `planned`: what --dry-run would have redriven. */
  result: 'redriven' | 'planned' | 'skipped' | 'failed';
  detail: string;
  /** Skipped because the error is one a redrive cannot fix: the error and what to do instead. */
  unfixable?: Unfixable;
}

export type Unfixable = RedriveAdvice & { error: string };

/** The failure's error, when it is one a redrive cannot fix (it re-runs the same input); else undefined. */
export function unfixableError(error: string | null | undefined): Unfixable | undefined {
  const advice = redriveAdvice(error);
  return error && !advice.redrivable ? { ...advice, error } : undefined;
}

/** Statuses `--all-failed` picks. ABORTED is left out: a person stopped those on purpose (redrive one by ARN). */
export const ALL_FAILED_STATUSES = ['FAILED', 'TIMED_OUT'] as const;

/**
 * RedriveExecution's clientToken: one per execution and redrive attempt. Running the command again
 * before the redrive is counted reuses the token (Step Functions answers idempotently); once it is
 * counted, the execution is RUNNING (not redrivable) and is skipped.
 */
export function redriveToken(executionArn: string, redriveCount: number): string {
  return deriveSubToken(executionArn, `redrive/${redriveCount}`);
}

/** `arn:…:execution:<machine>:<name>` → `<name>`. */
export function executionNameOf(executionArn: string): string {
  return executionArn.split(':').slice(7).join(':') || executionArn;
}

export async function redriveOne(sfn: SFNClient, executionArn: string, opts: { dryRun?: boolean } = {}): Promise<RedriveOutcome> {
  const outcome = (result: RedriveOutcome['result'], detail: string, unfixable?: Unfixable): RedriveOutcome => ({
    executionArn,
    name: executionNameOf(executionArn),
    result,
    detail,
    ...(unfixable && { unfixable }),
  });
  try {
    const d = await describeExecution(sfn, executionArn);
    if (d.redriveStatus === 'NOT_REDRIVABLE') {
      return outcome('skipped', d.redriveStatusReason ?? `execution is ${d.status} and cannot be redriven`);
    }
    // A redrive re-runs the failed state with the same input: it cannot fix a bad input.
    const unfixable = unfixableError(d.error);
    if (unfixable) return outcome('skipped', `failed with ${d.error}, which a redrive cannot fix: ${unfixable.action}`, unfixable);
    const count = d.redriveCount ?? 0;
    if (opts.dryRun) return outcome('planned', `would redrive #${count + 1} of a ${d.status} execution (${d.error ?? 'no error'}); it would resume at the failed state`);
    const r = await redriveExecution(sfn, executionArn, redriveToken(executionArn, count));
    if (r.status === 'not-redrivable') return outcome('skipped', r.reason);
    return outcome('redriven', `redrive #${count + 1} of a ${d.status} execution; it resumes at the failed state`);
  } catch (e) {
    const err = e as Error;
    const hint = err.name === 'ThrottlingException' ? ' (throttled after the SDK retries; run the command again)' : '';
    return outcome('failed', `${err.name}: ${err.message}${hint}`);
  }
}

/** ARNs of FAILED / TIMED_OUT executions that started since `since`, newest first. */
export async function failedExecutionArns(sfn: SFNClient, stateMachineArn: string, since: Date): Promise<string[]> {
  const arns: string[] = [];
  for await (const e of listExecutionsSince(sfn, stateMachineArn, since)) {
    if ((ALL_FAILED_STATUSES as readonly (string | undefined)[]).includes(e.status)) arns.push(e.executionArn!);
  }
  return arns;
}

export interface RedriveSummary {
  redriven: number;
  planned: number;
  skipped: number;
  failed: number;
}

export function summarise(outcomes: RedriveOutcome[]): RedriveSummary {
  const count = (r: RedriveOutcome['result']) => outcomes.filter((o) => o.result === r).length;
  return { redriven: count('redriven'), planned: count('planned'), skipped: count('skipped'), failed: count('failed') };
}
