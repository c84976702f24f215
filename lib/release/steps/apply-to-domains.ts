import type { DomainPackageDetails, OpenSearchClient } from '@aws-sdk/client-opensearch';
import * as z from '../../validation/zod';
import { describePackageById, getVersionHistory, listDomainsForPackage, listPackagesForDomain } from '../../clients/opensearch';
import type { DomainSelection } from '../config';
import { OPENSEARCH } from '../constraints';
import { associateUnderLease, classify, type DomainRelease, type DomainReport, DomainReportSchema, type LeaseCheck, releaseIndex, report, summarize } from '../domain-state';
import { DomainBusy, DomainConfigInvalid } from '../errors';
import type { RolledBackHead } from '../lease';
import { barredByRollback } from '../rollback/epoch';
import type { UpdateOpenSearchResult } from './update-opensearch';

export interface ApplyToDomainsInput {
  release: DomainRelease;
  /** `packageType` is carried from CheckOpenSearch's look; absent (older state, a result without a look), it is read here. */
  update: Pick<UpdateOpenSearchResult, 'packageId' | 'packageName' | 'packageType'>;
  /** The package's `domains` setting (default `associated`). */
  domains: DomainSelection;
  /** Where this stack runs: a domain ARN of another region or account is a configuration error. */
  where: { region: string; accountId?: string };
  /** The head a rollback moved, as the lease record holds it (lib/release/rollback/epoch.ts). */
  rolledBack?: RolledBackHead;
}

export const ApplyToDomainsResultSchema = z.object({
  selection: z.enum(['associated', 'listed', 'none']),
  domains: z.array(DomainReportSchema),
  /** When the associations were started (epoch ms): CheckDomains' poll budget counts from here. */
  startedAt: z.number(),
  /** The OpenSearch package type: ZIP-PLUGIN domains (blue/green) get a longer poll budget. */
  packageType: z.optional(z.string()),
  /** This release is barred by a rollback to this head: no domain was looked at or changed. */
  rolledBackTo: z.optional(z.string()),
});
export type ApplyToDomainsResult = z.infer<typeof ApplyToDomainsResultSchema>;

/**
 * Step 5: apply the OpenSearch update to the package's domains (AssociatePackage per domain; the
 * domain picks up the package's AvailablePackageVersion). Converges by looking: a domain already
 * running this release's version, or a newer release's, is left alone, so a re-run or redrive makes
 * no second association and an older release never touches a domain that runs a newer one.
 * Domains busy with another operation are retried (DomainBusy) after the others were started.
 */
export async function applyToDomains(input: ApplyToDomainsInput, opensearch: OpenSearchClient, assertLease: LeaseCheck, now: () => number = Date.now): Promise<ApplyToDomainsResult> {
  const startedAt = now();
  if (input.domains === 'none') return { selection: 'none', domains: [], startedAt };
  const selection = Array.isArray(input.domains) ? 'listed' : 'associated';
  // A rollback moved the head past this release: the domains are the rollback's to set (docs/rollback.md).
  if (barredByRollback(input.rolledBack, input.release.versionName)) return { selection, domains: [], startedAt, rolledBackTo: input.rolledBack!.head };
  const { packageId } = input.update;
  const targets = await currentAssociations(input, opensearch);
  // No domain associated with the package: nothing to read or apply.
  if (targets.size === 0) return { selection, domains: [], startedAt };
  const index = releaseIndex(input.release, await getVersionHistory(opensearch, packageId), input.rolledBack);

  const reports: DomainReport[] = [];
  const busy: DomainReport[] = [];
  for (const [domainName, entry] of targets) {
    const verdict = classify(entry, index);
    const r =
      verdict === 'done' ? report(domainName, entry, index, 'already-active')
      : verdict === 'applying' ? report(domainName, entry, index, 'associating')
      : verdict === 'busy' ? report(domainName, entry, index, 'busy')
      : await associateUnderLease(opensearch, { packageId, domainName, entry }, index, assertLease, 'already-active');
    (r.outcome === 'busy' ? busy : reports).push(r);
  }
  if (busy.length) {
    throw new DomainBusy(`domains busy with another operation: ${summarize(busy)}; started or done: ${summarize(reports)}; retrying later`);
  }
  // Carried from UpdateOpenSearch's look; read here only for a result without one (state of older code).
  const packageType = input.update.packageType ?? (await describePackageById(opensearch, packageId))?.PackageType;
  return { selection, domains: reports, startedAt, ...(packageType && { packageType }) };
}

/** Every domain already ran this release or a newer one (or there is none): CheckDomains has nothing to wait for. */
export function nothingToWaitFor(result: ApplyToDomainsResult): boolean {
  return result.domains.every((d) => d.outcome === 'already-active');
}

/**
 * The target domains with this package's association on each (undefined: not associated).
 * Every listed domain is checked to exist here before anything changes.
 */
async function currentAssociations(input: ApplyToDomainsInput, opensearch: OpenSearchClient): Promise<Map<string, DomainPackageDetails | undefined>> {
  const { packageId, packageName } = input.update;
  if (!Array.isArray(input.domains)) {
    const list = await listDomainsForPackage(opensearch, packageId);
    return new Map(list.flatMap((d) => (d.DomainName ? [[d.DomainName, d] as const] : [])));
  }
  const names = input.domains.map((ref) => domainNameOf(ref, input.where));
  const targets = new Map<string, DomainPackageDetails | undefined>();
  const unknown: string[] = [];
  for (const name of new Set(names)) {
    try {
      targets.set(name, (await listPackagesForDomain(opensearch, name)).find((p) => p.PackageID === packageId));
    } catch (e) {
      if ((e as Error).name !== 'ResourceNotFoundException') throw e;
      unknown.push(name);
    }
  }
  if (unknown.length) {
    throw new DomainConfigInvalid(
      `"domains" for OpenSearch package ${packageName} names domains that do not exist in ${input.where.region}: ${unknown.join(', ')}; ` +
        'fix config/packages.json (or create the domains), redeploy, then redrive. No domain was changed.',
    );
  }
  return targets;
}

/** A configured domain reference → the domain name; an ARN must name this region and account. */
export function domainNameOf(ref: string, where: ApplyToDomainsInput['where']): string {
  const arn = OPENSEARCH.domainArn.pattern.exec(ref);
  if (!arn) return ref;
  const [, region, account, name] = arn;
  if (region !== where.region || (where.accountId !== undefined && account !== where.accountId)) {
    throw new DomainConfigInvalid(
      `"domains" names ${ref}, a domain in ${region} / account ${account}; this stack runs in ${where.region}` +
        (where.accountId ? ` / account ${where.accountId}` : '') +
        ' and OpenSearch packages only associate with domains of their own region. Fix config/packages.json, redeploy, then redrive. No domain was changed.',
    );
  }
  return name!;
}
