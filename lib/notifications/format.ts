import type { SFNClient } from '@aws-sdk/client-sfn';
import * as z from '../validation/zod';
import { type ExecutionFailure, getExecutionFailure, readableCause } from '../clients/sfn';
import { notifyEventIssue } from './invalid-event';
import { summariseReleaseInput } from './release-summary';
import { redriveAdvice } from '../release/redrive-policy';
import { rollbackInputOf } from '../release/rollback/request';

/**
 * Failure notifications: a Step Functions "Execution Status Change" event (EventBridge) → the
 * subject and text of one SNS message naming the release, the failed state, the error and cause,
 * and a console link. The event carries no failed state, so it is read from the execution history.
 */

export const FAILURE_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

const nullableString = z.nullish(z.string());

/** The documented `detail` of "Step Functions Execution Status Change" (unknown members kept). */
export const ExecutionStatusChangeDetailSchema = z.looseObject({
  executionArn: z.string(),
  stateMachineArn: z.string(),
  name: z.string(),
  status: z.string(),
  startDate: z.nullish(z.number()),
  stopDate: z.nullish(z.number()),
  /** JSON text; null when the input is too large to include (`inputDetails.included: false`). */
  input: nullableString,
  error: nullableString,
  cause: nullableString,
  redriveCount: z.nullish(z.number()),
  redriveStatus: nullableString,
  redriveStatusReason: nullableString,
});

/**
 * The EventBridge envelope, as Powertools' parser `EventBridgeSchema` describes it. Written here
 * because Powertools' schemas are built with classic zod, which would double the bundle's zod.
 */
export const ExecutionStatusChangeEventSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.literal('aws.states'),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: ExecutionStatusChangeDetailSchema,
  'replay-name': z.optional(z.string()),
});
export type ExecutionStatusChangeEvent = z.infer<typeof ExecutionStatusChangeEventSchema>;

export interface Notification {
  /** SNS: "less than 100 characters", no line breaks or control characters. */
  subject: string;
  message: string;
}

export const SUBJECT_MAX = 99;
/** Enough for any cause the pipeline writes; a States.Runtime cause can be much longer. */
const CAUSE_MAX = 2000;

export function executionConsoleUrl(executionArn: string, region = executionArn.split(':')[3]): string {
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** Pure: the event plus what the history says about the failure → the SNS subject and message. */
export function formatNotification(event: ExecutionStatusChangeEvent, failure: ExecutionFailure = {}): Notification {
  const d = event.detail;
  const release = summariseReleaseInput(d.input);
  const rollback = rollbackInputOf(d.input);
  const error = d.error || failure.error;
  const cause = redact(readableCause(d.cause) ?? failure.cause);
  // The catalog's action for the error (SbomInvalid, RolloutAborted, ...): what the reader does next.
  const advice = redriveAdvice(error);
  const what = rollback ? `rollback of ${rollback.packageName} to ${rollback.targetVersion}` : release.package && release.version ? `${release.package}@${release.version}` : d.name;
  const kind = rollback ? 'rollback' : 'release';

  const subject = subjectLine(
    `pkgrelease ${d.status}: ${what}${failure.state ? ` at ${failure.state}` : ''}${error ? ` (${error})` : ''}`,
  );
  type Row = [string, string | number | null | undefined];
  const identity: Row[] = rollback
    ? [
        ['Package', rollback.packageName],
        ['Rollback to', rollback.targetVersion],
        ['Requested by', rollback.requestedBy],
        // Free text a person typed: masked like a cause, in case it holds a credential.
        ['Reason', redact(rollback.reason)],
      ]
    : [
        ['Package', release.package ?? 'unknown (not in the execution input)'],
        ['Version', release.version ?? 'unknown'],
        ['Client token', release.clientToken],
      ];
  const rows: Row[] = [
    ...identity,
    ['Status', d.status],
    ['Failed state', failure.state ?? 'unknown'],
    ['Error', error ?? 'none reported'],
    ['Cause', cause ? clip(cause, CAUSE_MAX) : 'none reported'],
    ['Action', advice.action],
    ['Execution', d.name],
    ['Execution ARN', d.executionArn],
    ['Started', isoDate(d.startDate)],
    ['Stopped', isoDate(d.stopDate)],
    ['Redrive', d.redriveStatus ? `${d.redriveStatus}${d.redriveStatusReason ? ` (${d.redriveStatusReason})` : ''}` : undefined],
    ['Redrive count', d.redriveCount],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  const message = [
    `A pkgrelease ${kind} did not complete: ${d.status}.`,
    '',
    ...rows.filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`),
    '',
    `Console: ${executionConsoleUrl(d.executionArn, event.region)}`,
    '',
    ...(advice.redrivable
      ? ['Fix the cause, then Redrive the execution (it resumes at the failed state, with the same input):', `  pkgrelease redrive ${d.executionArn}`]
      : [`A redrive cannot fix ${error}: act as above, then start a new ${kind}.`]),
  ].join('\n');
  return { subject, message };
}

export interface BuiltNotification extends Notification {
  /** Set when the execution history could not be read; the message then lacks the failed state. */
  lookupError?: string;
}

/**
 * Parses the event and formats its notification, reading the failed state from the history.
 * Undefined for a status that is not a failure; InvalidNotifyEvent for an event of another shape. A history that cannot be read (throttling,
 * permissions) still yields a notification: a late or partial message beats none.
 */
export async function buildNotification(rawEvent: unknown, deps: { sfn: SFNClient }): Promise<BuiltNotification | undefined> {
  const parsed = ExecutionStatusChangeEventSchema.safeParse(rawEvent);
  if (!parsed.success) throw notifyEventIssue(parsed.error);
  const event = parsed.data;
  if (!(FAILURE_STATUSES as readonly string[]).includes(event.detail.status)) return undefined;
  try {
    return formatNotification(event, await getExecutionFailure(deps.sfn, event.detail.executionArn));
  } catch (e) {
    const err = e as Error;
    return { ...formatNotification(event), lookupError: `${err.name}: ${err.message}` };
  }
}

/** Single line, printable ASCII, under SNS's 100-character limit. */
export function subjectLine(text: string): string {
  const clean = text.replace(/\s+/g, ' ').replace(/[^\x20-\x7E]/g, '?').trim();
  return clean.length <= SUBJECT_MAX ? clean : `${clean.slice(0, SUBJECT_MAX - 3)}...`;
}

const CREDENTIAL_FIELD = /(\\?["'])(accessKeyId|secretAccessKey|sessionToken)\1(\s*:\s*)(\\?["'])[^"'\\]*\4/gi;

/**
 * A States.Runtime cause can quote a state's whole input ("… could not be found in the input '{…}'"),
 * and an input may carry credentials (a CodePipeline job): drop quoted inputs, mask credential fields.
 */
export function redact(cause: string | undefined): string | undefined {
  return cause
    ?.replace(/(\binput\s+)'[\s\S]*'/g, "$1'<omitted>'")
    .replace(CREDENTIAL_FIELD, '$1$2$1$3$4<redacted>$4');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters in the console)`;
}

function isoDate(ms: number | null | undefined): string | undefined {
  return typeof ms === 'number' ? new Date(ms).toISOString() : undefined;
}
