import { createHash } from 'node:crypto';
import type { IoTClient } from '@aws-sdk/client-iot';
import type { OpenSearchClient } from '@aws-sdk/client-opensearch';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { getPackage } from '../clients/iot';
import { listDomainsForPackage } from '../clients/opensearch';
import { startExecution, type StartResult } from '../clients/sfn';
import { opensearchPackageOf, type PackagesConfig, packageSettings } from '../release/config';
import { executionName } from '../release/identity';
import { lookAtPackage } from '../release/opensearch-view';
import { type RollbackInput, RollbackInputSchema } from '../release/rollback/request';
import { type RollbackPlan, validateRollback } from '../release/rollback/validate';
import { InvalidRelease } from '../release/errors';

/**
 * `pkgrelease rollback <package> --to <version>`: the rollback state machine's input, its
 * deterministic execution name, and (--dry-run) what would change on each side, read before
 * anything changes. Shared by the operator CLI (AWS, or a `local serve`) and `local rollback`.
 */
export interface RollbackAsk {
  packageName: string;
  targetVersion: string;
  requestedBy: string;
  reason?: string;
  /** A token of the caller's (to repeat one rollback on purpose); default: derived, see rollbackToken. */
  rollbackToken?: string;
}

/**
 * The same ask against the same head is the same rollback: running the command twice (a lost
 * answer, two people at 3 a.m.) starts one execution. Once it moved the head, a new rollback of
 * the same target is a new token.
 */
export function rollbackToken(packageName: string, targetVersion: string, head: string): string {
  return createHash('sha256').update(`pkgrelease/rollback\n${packageName}\n${targetVersion}\n${head}`).digest('hex');
}

export interface PlannedRollback {
  executionName: string;
  input: RollbackInput;
  plan: RollbackPlan;
}

/** Validates the ask exactly as ValidateRollback will (named errors, nothing changed) and names the execution. */
export async function planRollback(ask: RollbackAsk, aws: { iot: IoTClient; s3: S3Client }): Promise<PlannedRollback> {
  const plan = await validateRollback(ask, aws.iot, aws.s3);
  const token = ask.rollbackToken ?? rollbackToken(ask.packageName, ask.targetVersion, plan.head);
  const input = { packageName: ask.packageName, targetVersion: ask.targetVersion, requestedBy: ask.requestedBy, ...(ask.reason && { reason: ask.reason }), rollbackToken: token };
  const parsed = RollbackInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidRelease(`rollback request: ${issue.path.join('.')}: ${issue.message}`, issue.path.join('.') || undefined);
  }
  return { executionName: `rollback-${executionName(ask.packageName, ask.targetVersion, parsed.data.rollbackToken)}`.slice(0, 80), input: parsed.data, plan };
}

/** Who rolls back when --by is not given: the login name (no AWS call; a rollback is still attributed). */
export function requestedByDefault(): string {
  return process.env.USER || process.env.USERNAME || 'unknown';
}

export function startRollback(sfn: SFNClient, rollbackMachineArn: string, planned: PlannedRollback): Promise<StartResult> {
  return startExecution(sfn, rollbackMachineArn, planned.executionName, planned.input);
}

/** What --dry-run prints: each side as it is now, and what the rollback would make of it. */
export interface RollbackPreview {
  catalog: { defaultNow: string | null; defaultAfter: string; deprecate: string[] };
  opensearch: { packageName: string; servesNow: string | null; reimport: { versionName: string; s3: string } };
  domains: { domainName: string; runsNow: string | null }[];
  devices: string;
}

export async function previewRollback(planned: PlannedRollback, config: PackagesConfig, aws: { iot: IoTClient; opensearch: OpenSearchClient }): Promise<RollbackPreview> {
  const { plan, input } = planned;
  const settings = packageSettings(config, input.packageName);
  const name = opensearchPackageOf(input.packageName, settings);
  const view = await lookAtPackage(aws.opensearch, name);
  const domains = settings.domains === 'none' ? [] : await listDomainsForPackage(aws.opensearch, view.packageId);
  const rollout = settings.rollout;
  return {
    catalog: { defaultNow: (await getPackage(aws.iot, input.packageName))?.defaultVersionName ?? null, defaultAfter: plan.target.versionName, deprecate: plan.above },
    opensearch: { packageName: name, servesNow: view.served?.versionName ?? null, reimport: { versionName: plan.target.versionName, s3: `s3://${plan.target.bucket}/${plan.target.key}?versionId=${plan.target.version}` } },
    domains: domains.map((d) => ({ domainName: d.DomainName ?? '?', runsNow: d.PackageVersion ?? null })),
    devices: rollout
      ? `one job hands ${plan.target.versionName} to ${[...new Set(rollout.stages.flatMap((s) => s.targets))].join(', ')}; running jobs of ${plan.above.join(', ') || 'newer versions'} are canceled`
      : 'no rollout configured: no device group is handed anything',
  };
}

export function renderPreview(planned: PlannedRollback, p: RollbackPreview): string {
  const { input, plan } = planned;
  return [
    `Rollback of ${input.packageName} from ${plan.head} to ${plan.target.versionName} (dry run: nothing was changed)`,
    `  execution     ${planned.executionName}`,
    `  IoT catalog   default ${p.catalog.defaultNow ?? '(none)'} -> ${p.catalog.defaultAfter}; DEPRECATED: ${p.catalog.deprecate.join(', ') || '(none)'}`,
    `  OpenSearch    ${p.opensearch.packageName} serves ${p.opensearch.servesNow ?? '(unknown)'} -> re-import ${p.opensearch.reimport.versionName} from ${p.opensearch.reimport.s3}`,
    `  domains       ${p.domains.map((d) => `${d.domainName} (${d.runsNow ?? 'not associated'})`).join(', ') || '(none)'} -> the re-import`,
    `  devices       ${p.devices}`,
  ].join('\n');
}
