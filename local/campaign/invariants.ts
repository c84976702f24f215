import { createHash } from 'node:crypto';
import { parseCommitMessage } from '../../lib/release/identity';
import type { ReleaseRequest } from '../../lib/release/request';
import type { RolledBackHead } from '../../lib/release/lease';
import { newestVersion } from '../../lib/release/version-order';
import type { ExecutionRecord } from '../engine/executions';
import type { CallCounts, FleetView, TwinCatalog } from '../twin';
import { checkDevices, checkGroupTimelines } from './fleet';
import { checkIdenticalUploads } from './identical';
import type { CampaignPlan } from './generate';
import { checkRollbacks, checkTimeline, RollbackLedger } from './heads';

/** The calls that change AWS state, the one list: "mutating calls per release" counts their successes, the e2e tests that none repeats. */
export const MUTATING_CALLS = [
  'iot:CreatePackage',
  'iot:CreatePackageVersion',
  'iot:UpdatePackageVersion',
  'iot:UpdatePackage',
  'iot:AssociateSbomWithPackageVersion',
  // A rollout stage's job, and the superseded older release's job.
  'iot:CreateJob',
  'iot:CancelJob',
  'es:UpdatePackage',
  'es:AssociatePackage',
  's3:CopyObject',
  // The staging copy of an artifact above CopyObject's 5 GiB.
  's3:CreateMultipartUpload',
  's3:UploadPartCopy',
  's3:CompleteMultipartUpload',
  's3:AbortMultipartUpload',
] as const;

/** What the checker reads: the engine's executions, the twin's catalog, S3 bodies and IoT token uses. */
export interface CampaignOutcome {
  executions: ExecutionRecord[];
  catalog: TwinCatalog;
  calls: CallCounts;
  body: (key: string, versionId: string) => string;
  iotTokenUses: { operation: string; resource: string; token: string }[];
  /** The rollback executions, and the head in force per OpenSearch package at the end (its lease record). */
  rollbacks: ExecutionRecord[];
  heads: Record<string, RolledBackHead | undefined>;
  /** The simulated devices and what their `$package` shadows report. */
  fleet?: FleetView;
  /** The rollouts aborted in the first wave (device failures), and what they left wrong (local/campaign/fleet.ts). */
  aborted?: { aborted: number; violations: string[] };
  /** The releases the SBOM gate held in the first wave, the SBOMs checked at the end, those raced into a release before PUBLISH, and what was wrong (local/campaign/sboms.ts). */
  sboms?: { gated: number; checked: number; raced: number; violations: string[] };
}

export interface CampaignSummary {
  releases: number;
  executions: number;
  faults: number;
  converged: number;
  expectedToConverge: number;
  duplicateVersions: number;
  wrongDefaults: number;
  regressions: number;
  stuck: number;
  /** Domains that ran an older release after a newer one, or do not end on the highest release. */
  domainRegressions: number;
  /** Packages with a rollout whose devices do not all end on the head (or a newer release). */
  devicesBehind: number;
  /** Jobs that handed a device group an older (or barred) version after a newer one. */
  groupRegressions: number;
  /** Rollouts aborted by device failures in the first wave (then fixed and redriven). */
  rolloutsAborted: number;
  sbomGated: number;
  sbomsChecked: number;
  sbomsRaced: number;
  mutatingCallsPerRelease: number;
  identicalNoOps: number;
  identicalUploads: number;
  /** Rollbacks started; rolled back; superseded (a newer release or another rollback went first); refused by ValidateRollback. */
  rollbacks: number;
  rolledBack: number;
  rollbacksSuperseded: number;
  rollbacksRefused: number;
  violations: string[];
}

export interface PreparedRelease {
  execution: ExecutionRecord;
  packageName: string;
  versionName: string;
  key: string;
  content: string;
  token: string;
}

/**
 * The invariants of the concurrency guarantee (docs/ordering.md), checked after every execution
 * ended (and the failed ones were redriven once the faults were gone):
 * 1. convergence — every valid release SUCCEEDED;
 * 2. no regression — each OpenSearch package's served timeline never goes back to an older release,
 *    and it ends on the highest released version's exact bytes;
 * 3. exactly one IoT version per name, holding the content its successful releases uploaded, and
 *    the default is the highest PUBLISHED version;
 * 4. identity by content — byte-identical uploads of one version all succeed, and only one of them
 *    changes anything;
 * 5. fewest calls — reported as successful mutating calls per release;
 * 6. domains — every domain's timeline of ACTIVE versions never goes back to an older
 *    release, and each domain ends running the highest released version.
 * With rollbacks (local/campaign/heads.ts), "older" and "highest" are relative to the head: only a
 * rollback's re-import goes back, no version it barred comes back, and every side — the OpenSearch
 * package's bytes, each domain, the IoT default — ends on the head or a newer release; a rollback
 * ends SUCCEEDED or refused with nothing changed.
 */
export function checkCampaign(plan: CampaignPlan, outcome: CampaignOutcome): CampaignSummary {
  const violations: string[] = [];
  const ledger = new RollbackLedger(outcome.rollbacks, outcome.heads);
  const prepared = outcome.executions.map((e) => preparedRelease(e, outcome)).filter((p): p is PreparedRelease => p !== undefined);
  const unprepared = outcome.executions.filter((e) => !prepared.some((p) => p.execution === e));
  for (const e of unprepared) violations.push(`stuck: ${e.name} never got past Prepare (${e.status} ${e.error ?? ''})`);

  const { expected, converged, duplicateVersions } = checkConvergence(plan, outcome, prepared, violations);
  const succeeded = prepared.filter((p) => p.execution.status === 'SUCCEEDED');
  const byPackage = groupBy(succeeded, (p) => p.packageName);
  const wrongDefaults = checkDefaults(plan, outcome, byPackage, ledger, violations);
  const regressions = checkServedTimelines(plan, outcome, byPackage, ledger, violations);
  const { identicalUploads, identicalNoOps } = checkIdenticalUploads(plan, outcome, succeeded, violations);
  const domainRegressions = checkDomains(plan, outcome, byPackage, ledger, violations);
  const rollbacks = checkRollbacks(outcome, violations);
  const endsOn = (p: string) => ledger.expected(plan.scenario.packages[p]!.opensearchPackage, releasedVersions(byPackage, p));
  const devicesBehind = checkDevices(plan, outcome.fleet, endsOn, violations);
  const groupRegressions = checkGroupTimelines(plan, outcome.fleet, ledger, violations);
  violations.push(...(outcome.aborted?.violations ?? []), ...(outcome.sboms?.violations ?? []));

  const mutating = MUTATING_CALLS.reduce((n, op) => n + (outcome.calls[op]?.succeeded ?? 0), 0);
  const faults = Object.values(outcome.calls).reduce((n, c) => n + (c.injected ?? 0), 0);
  return {
    releases: plan.uploads.length,
    executions: outcome.executions.length,
    faults,
    converged,
    expectedToConverge: expected,
    duplicateVersions,
    wrongDefaults,
    regressions,
    stuck: expected - converged + unprepared.length,
    domainRegressions,
    devicesBehind,
    groupRegressions,
    rolloutsAborted: outcome.aborted?.aborted ?? 0,
    sbomGated: outcome.sboms?.gated ?? 0,
    sbomsChecked: outcome.sboms?.checked ?? 0,
    sbomsRaced: outcome.sboms?.raced ?? 0,
    mutatingCallsPerRelease: prepared.length ? mutating / prepared.length : 0,
    identicalNoOps,
    identicalUploads,
    ...rollbacks,
    violations,
  };
}

/** 1 and 3: each execution against the content that won its version name — valid ones SUCCEEDED, other bytes VersionConflict. */
function checkConvergence(plan: CampaignPlan, outcome: CampaignOutcome, prepared: PreparedRelease[], violations: string[]) {
  const kindOf = (p: PreparedRelease) => plan.uploads.find((u) => u.key === p.key && u.content === p.content)?.kind ?? 'valid';
  const iotContent = (p: PreparedRelease) => {
    const location = outcome.catalog.iot[p.packageName]?.versions[p.versionName]?.artifact?.s3Location;
    return location?.key && location.version ? outcome.body(location.key, location.version) : undefined;
  };

  let expected = 0;
  let converged = 0;
  let duplicateVersions = 0;
  for (const p of prepared) {
    const kind = kindOf(p);
    const winner = iotContent(p);
    const mustSucceed = kind === 'valid' || kind === 'identical' || (kind === 'conflicting' && winner === p.content);
    if (kind === 'conflicting' && winner !== undefined && winner !== p.content) {
      if (p.execution.status !== 'FAILED' || p.execution.error !== 'VersionConflict') {
        violations.push(`duplicate version: ${p.execution.name} uploaded other bytes under ${p.packageName}@${p.versionName} and ended ${p.execution.status} ${p.execution.error ?? ''} (VersionConflict expected)`);
        duplicateVersions++;
      }
      continue;
    }
    if (p.execution.status === 'SUCCEEDED' && winner !== undefined && winner !== p.content) {
      violations.push(`duplicate version: ${p.execution.name} SUCCEEDED but ${p.packageName}@${p.versionName} holds other bytes`);
      duplicateVersions++;
    }
    if (!mustSucceed) continue;
    expected++;
    if (p.execution.status === 'SUCCEEDED') converged++;
    else violations.push(`stuck: ${p.execution.name} (${kind}) ended ${p.execution.status} ${p.execution.error ?? ''}: ${(p.execution.cause ?? '').slice(0, 160)}`);
  }

  return { expected, converged, duplicateVersions };
}

/**
 * 3: every SUCCEEDED release is PUBLISHED (one a rollback barred is not), and each package's default
 * is its newest PUBLISHED version, or after a rollback the version every side must end on.
 */
function checkDefaults(plan: CampaignPlan, outcome: CampaignOutcome, byPackage: Map<string, PreparedRelease[]>, ledger: RollbackLedger, violations: string[]): number {
  let wrongDefaults = 0;
  for (const [packageName, pkg] of Object.entries(outcome.catalog.iot)) {
    const osPackage = plan.scenario.packages[packageName]?.opensearchPackage ?? '';
    const published = Object.entries(pkg.versions).filter(([, v]) => v.status === 'PUBLISHED').map(([name]) => name);
    const expected = ledger.headOf(osPackage) ? ledger.expected(osPackage, releasedVersions(byPackage, packageName)) : newestVersion(published);
    if (pkg.defaultVersion !== (expected ?? null)) {
      wrongDefaults++;
      violations.push(`wrong default: ${packageName} defaults to ${pkg.defaultVersion ?? '(none)'}, expected ${expected ?? '(none)'} (the newest PUBLISHED, or the head a rollback moved)`);
    }
    for (const p of byPackage.get(packageName) ?? []) {
      const status = pkg.versions[p.versionName]?.status ?? 'missing';
      const barred = ledger.barred(osPackage, p.versionName);
      if (barred ? status === 'PUBLISHED' : status !== 'PUBLISHED') violations.push(`${p.execution.name} SUCCEEDED but ${packageName}@${p.versionName} is ${status}${barred ? ', after a rollback barred it' : ''}`);
    }
  }

  return wrongDefaults;
}

/** 2: each OpenSearch package's served timeline never goes back past the head, and it ends on the expected release's exact bytes. */
function checkServedTimelines(plan: CampaignPlan, outcome: CampaignOutcome, byPackage: Map<string, PreparedRelease[]>, ledger: RollbackLedger, violations: string[]): number {
  let regressions = 0;
  for (const [packageName, settings] of Object.entries(plan.scenario.packages)) {
    const os = outcome.catalog.opensearch[settings.opensearchPackage];
    if (!os) continue;
    const commitOf = (packageVersion: string | null) => parseCommitMessage(os.history.find((h) => h.version === packageVersion)?.commitMessage ?? undefined);
    const timeline = os.served.map((s) => ({ commit: commitOf(s.version), label: `${s.version} at ${s.at}` }));
    regressions += checkTimeline(timeline, ledger, settings.opensearchPackage, violations);
    const expected = ledger.expected(settings.opensearchPackage, releasedVersions(byPackage, packageName));
    const servedNow = os.availableVersion ? commitOf(os.availableVersion)?.versionName : undefined;
    if (expected !== undefined && servedNow !== expected) {
      regressions++;
      violations.push(`not the head: ${settings.opensearchPackage} serves ${servedNow ?? 'pre-release content'}, every side must end on ${expected}`);
    }
    const entry = os.history.find((h) => h.version === os.availableVersion);
    const winner = (byPackage.get(packageName) ?? []).find((p) => p.versionName === expected);
    if (winner && entry?.source?.sha256 && entry.source.sha256 !== sha256(winner.content)) {
      regressions++;
      violations.push(`wrong bytes: ${settings.opensearchPackage} serves ${entry.source.key}@${entry.source.versionId}, not the bytes of ${packageName}@${expected}`);
    }
  }

  return regressions;
}

export function summaryLine(s: CampaignSummary, seed: number, wallMs: number): string {
  return (
    `campaign seed=${seed} releases=${s.releases} executions=${s.executions} faults=${s.faults} ` +
    `converged=${s.converged}/${s.expectedToConverge} duplicate-versions=${s.duplicateVersions} wrong-defaults=${s.wrongDefaults} ` +
    `regressions=${s.regressions} domain-regressions=${s.domainRegressions} devices-behind=${s.devicesBehind} group-regressions=${s.groupRegressions} ` +
    `rollouts-aborted=${s.rolloutsAborted} sbom-gated=${s.sbomGated} sboms-checked=${s.sbomsChecked} sboms-raced=${s.sbomsRaced} stuck=${s.stuck} identical-no-ops=${s.identicalNoOps}/${s.identicalUploads} ` +
    `rollbacks=${s.rolledBack}/${s.rollbacks} superseded=${s.rollbacksSuperseded} refused=${s.rollbacksRefused} mutating-calls/release=${s.mutatingCallsPerRelease.toFixed(2)} violations=${s.violations.length} wall=${(wallMs / 1000).toFixed(1)}s`
  );
}

/** Invariant 6: per domain, the releases that became ACTIVE only move forward past the head, and end on the expected one. */
function checkDomains(plan: CampaignPlan, outcome: CampaignOutcome, byPackage: Map<string, PreparedRelease[]>, ledger: RollbackLedger, violations: string[]): number {
  let regressions = 0;
  for (const [packageName, settings] of Object.entries(plan.scenario.packages)) {
    const os = outcome.catalog.opensearch[settings.opensearchPackage];
    if (!os) continue;
    const releaseOf = (packageVersion: string | null) => parseCommitMessage(os.history.find((h) => h.version === packageVersion)?.commitMessage ?? undefined)?.versionName;
    const expected = ledger.expected(settings.opensearchPackage, releasedVersions(byPackage, packageName));
    for (const [domain, view] of Object.entries(outcome.catalog.domains ?? {})) {
      const runs = view.packages[settings.opensearchPackage];
      if (!runs) continue;
      const timeline = view.timeline.filter((e) => e.package === settings.opensearchPackage).map((t) => ({ commit: parseCommitMessage(t.commitMessage ?? undefined), label: `${t.version} at ${t.activeAt}` }));
      regressions += checkTimeline(timeline, ledger, `domain ${domain}`, violations);
      if (expected !== undefined && releaseOf(runs.runs) !== expected) {
        regressions++;
        violations.push(`domain not converged: ${domain} runs ${releaseOf(runs.runs) ?? 'pre-release content'} (${runs.runs ?? 'none'}, ${runs.status}) of ${settings.opensearchPackage}, every side must end on ${expected}`);
      }
    }
  }
  return regressions;
}

/** The versions of a package's SUCCEEDED releases. */
function releasedVersions(byPackage: Map<string, PreparedRelease[]>, packageName: string): string[] {
  return (byPackage.get(packageName) ?? []).map((p) => p.versionName);
}

function preparedRelease(execution: ExecutionRecord, outcome: CampaignOutcome): PreparedRelease | undefined {
  const out = execution.states.find((s) => s.name === 'Prepare' && s.status === 'SUCCEEDED')?.output as ReleaseRequest | undefined;
  if (!out?.artifact.version) return undefined;
  return { execution, packageName: out.packageName, versionName: out.versionName, key: out.artifact.key, token: out.clientToken, content: outcome.body(out.artifact.key, out.artifact.version) };
}

export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
