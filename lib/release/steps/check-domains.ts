import type { DomainPackageDetails, OpenSearchClient } from '@aws-sdk/client-opensearch';
import { getVersionHistory, listPackagesForDomain } from '../../clients/opensearch';
import { associateUnderLease, classify, type DomainRelease, type DomainReport, type LeaseCheck, releaseIndex, report, summarize } from '../domain-state';
import { DomainAssociationFailed, DomainNotReady, DomainsPending, DomainsPendingBlueGreen } from '../errors';
import type { RolledBackHead } from '../lease';
import { barredByRollback } from '../rollback/epoch';
import { budgetSpent } from '../run-budget';
import type { ApplyToDomainsResult } from './apply-to-domains';
import type { UpdateOpenSearchResult } from './update-opensearch';

export interface CheckDomainsInput {
  release: DomainRelease;
  update: Pick<UpdateOpenSearchResult, 'packageId' | 'packageName'>;
  apply: ApplyToDomainsResult;
  /**
   * When this run of the execution started (epoch ms): its start, or its latest redrive. An
   * ASSOCIATION_FAILED older than this was reported by an earlier run, so a redrive associates the
   * domain again instead of failing on the same old failure.
   */
  runStartedAt: number;
  /** Poll budget of this package (config `domainWaitMinutes`), counted per run in the state machine's minutes. */
  waitMinutes: number;
  /** Wall time per state-machine second (1 on AWS; the local engine's timeScale, lib/lambda/state-machine-time-scale.ts). */
  timeScale?: number;
  /** The head a rollback moved, as the lease record holds it. */
  rolledBack?: RolledBackHead;
}

export interface CheckDomainsResult {
  domains: DomainReport[];
  /** This release is barred by a rollback to this head: nothing was waited for or changed. */
  rolledBackTo?: string;
}

/**
 * Step 6 (polled): is every domain ApplyToDomains chose ACTIVE with this release's version or a
 * newer release's? Returns once they all are. Otherwise throws:
 * - DomainsPending while some are still ASSOCIATING (the state machine retries it: the poll), or
 *   DomainsPendingBlueGreen for a ZIP-PLUGIN package, whose blue/green deployments the state
 *   machine polls on a longer backoff;
 * - DomainAssociationFailed for an ASSOCIATION_FAILED that happened in this run (ErrorDetails),
 *   once no other domain is still ASSOCIATING (so the error shows the whole partial rollout);
 * - DomainNotReady when the poll budget of this run is spent (a redrive polls again).
 * A domain found on an older version (or failed in an earlier run) is associated again.
 */
export async function checkDomains(input: CheckDomainsInput, opensearch: OpenSearchClient, assertLease: LeaseCheck, now: () => number = Date.now): Promise<CheckDomainsResult> {
  // A redrive that resumes here after a rollback barred this release: the domains are the rollback's.
  if (barredByRollback(input.rolledBack, input.release.versionName)) return { domains: [], rolledBackTo: input.rolledBack!.head };
  if (input.apply.domains.length === 0) return { domains: [] };
  const index = releaseIndex(input.release, await getVersionHistory(opensearch, input.update.packageId), input.rolledBack);
  const reports: DomainReport[] = [];
  const failures: { report: DomainReport; entry: DomainPackageDetails }[] = [];
  for (const { domainName } of input.apply.domains) {
    const entry = await associationOn(opensearch, domainName, input.update.packageId);
    const verdict = classify(entry, index);
    if (!entry) reports.push(report(domainName, entry, index, 'dissociated')); // removed by a person meanwhile: not ours to undo
    else if (verdict === 'done') reports.push(report(domainName, entry, index, 'active'));
    else if (verdict === 'applying') reports.push(report(domainName, entry, index, 'associating'));
    else if (verdict === 'busy') reports.push(report(domainName, entry, index, 'busy'));
    else if (verdict === 'failed' && failedInThisRun(entry, input.runStartedAt)) {
      const r = report(domainName, entry, index, 'failed');
      reports.push(r);
      failures.push({ report: r, entry });
    } else {
      // A domain on an older version, or whose failure an earlier run reported: associate it again.
      reports.push(await associateUnderLease(opensearch, { packageId: input.update.packageId, domainName, entry }, index, assertLease, 'active'));
    }
  }

  const settled = reports.every((r) => ['active', 'dissociated', 'failed'].includes(r.outcome));
  const outOfTime = budgetSpent(Math.max(input.apply.startedAt, input.runStartedAt), input.waitMinutes, input.timeScale, now);
  // A failure is reported once the other domains have settled, so the error shows the whole rollout.
  const first = failures[0];
  if (first && (settled || outOfTime)) {
    throw new DomainAssociationFailed(first.report.domainName, first.entry.PackageVersion ?? 'unknown', first.entry.ErrorDetails, summarize(reports));
  }
  if (settled) return { domains: reports };
  if (outOfTime) {
    throw new DomainNotReady(`not every domain is ACTIVE after ${input.waitMinutes} minutes: ${summarize(reports)}; redrive the execution to keep waiting`);
  }
  const Pending = input.apply.packageType === 'ZIP-PLUGIN' ? DomainsPendingBlueGreen : DomainsPending;
  throw new Pending(`waiting for domains: ${summarize(reports)}`);
}

function failedInThisRun(entry: DomainPackageDetails, runStartedAt: number): boolean {
  return entry.LastUpdated === undefined || entry.LastUpdated.getTime() >= runStartedAt;
}

async function associationOn(opensearch: OpenSearchClient, domainName: string, packageId: string): Promise<DomainPackageDetails | undefined> {
  return (await listPackagesForDomain(opensearch, domainName)).find((p) => p.PackageID === packageId);
}

