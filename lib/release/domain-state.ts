import type { DomainPackageDetails, OpenSearchClient, PackageVersionHistory } from '@aws-sdk/client-opensearch';
import { associatePackage } from '../clients/opensearch';
import * as z from '../validation/zod';
import { isCommitOf, parseCommitMessage } from './identity';
import type { RolledBackHead } from './lease';
import type { ReleaseRequest } from './request';
import { barredByRollback } from './rollback/epoch';
import { compareVersions } from './version-order';

/**
 * What one domain's association means for one release, shared by ApplyToDomains and CheckDomains.
 * A domain's PackageVersion (`v3`) is mapped to the release that wrote it through the version
 * history's CommitMessage, so "this release or a newer one" is decided by release version order,
 * never by which call came last.
 */

/**
 * What the domain steps need of a release: its identity and who holds the lease for it. A rollback's
 * domain steps pass a "release" of its target owned by the rollback's execution (lib/lambda/rollback-step.ts).
 */
export type DomainRelease = Pick<ReleaseRequest, 'packageName' | 'versionName' | 'clientToken' | 'execution'>;

/** Package version → release version name, for the versions this IoT package's releases wrote. */
export interface ReleaseIndex {
  release: DomainRelease;
  releaseOf(packageVersion: string | undefined): string | undefined;
  /**
   * Whether the package version carries this release or a newer one of the same IoT package. One
   * version name has one content (CreateVersion refuses another artifact under it), so the same
   * version name counts as this release whichever upload wrote the commit.
   */
  isOursOrNewer(packageVersion: string | undefined): boolean;
}

/**
 * With a rollback's head in force (lib/release/rollback/epoch.ts), a package version carrying a barred
 * version is never "newer": a domain still running the bad release counts as behind and is associated
 * again, so it picks up what the package serves now.
 */
export function releaseIndex(release: DomainRelease, history: PackageVersionHistory[], rolledBack?: RolledBackHead): ReleaseIndex {
  const commits = new Map(
    history.flatMap((h) => {
      const c = parseCommitMessage(h.CommitMessage);
      return h.PackageVersion && c && isCommitOf(c, release.packageName) ? [[h.PackageVersion, c] as const] : [];
    }),
  );
  return {
    release,
    releaseOf: (v) => (v ? commits.get(v)?.versionName : undefined),
    isOursOrNewer: (v) => {
      const c = v ? commits.get(v) : undefined;
      return c !== undefined && !barredByRollback(rolledBack, c.versionName) && compareVersions(c.versionName, release.versionName) >= 0;
    },
  };
}

/**
 * - `done`: ACTIVE with this release's version or a newer release's;
 * - `applying`: ASSOCIATING this release's version or a newer one: wait;
 * - `busy`: another package operation is running on the domain (older version ASSOCIATING, DISSOCIATING);
 * - `failed`: ASSOCIATION_FAILED;
 * - `needs-association`: not associated, or ACTIVE with an older (or unknown) version.
 */
export type DomainVerdict = 'done' | 'applying' | 'busy' | 'failed' | 'needs-association';

export function classify(entry: DomainPackageDetails | undefined, index: ReleaseIndex): DomainVerdict {
  if (!entry) return 'needs-association';
  const oursOrNewer = index.isOursOrNewer(entry.PackageVersion);
  switch (entry.DomainPackageStatus) {
    case 'ACTIVE':
      return oursOrNewer ? 'done' : 'needs-association';
    case 'ASSOCIATING':
      return oursOrNewer ? 'applying' : 'busy';
    case 'ASSOCIATION_FAILED':
      return 'failed';
    default: // DISSOCIATING, DISSOCIATION_FAILED: someone is removing the package; do not fight it
      return 'busy';
  }
}

/** One domain's state as it goes into the execution output and the notification. */
export const DomainReportSchema = z.object({
  domainName: z.string(),
  /** DomainPackageStatus, or NOT_ASSOCIATED. */
  status: z.string(),
  packageVersion: z.nullable(z.string()),
  /** The release version that package version carries, when one of this package's releases wrote it. */
  release: z.nullable(z.string()),
  /** What this step did or saw. */
  outcome: z.enum(['already-active', 'associated', 'associating', 'active', 'failed', 'busy', 'dissociated']),
});
export type DomainReport = z.infer<typeof DomainReportSchema>;

export function report(domainName: string, entry: DomainPackageDetails | undefined, index: ReleaseIndex, outcome: DomainReport['outcome']): DomainReport {
  return {
    domainName,
    status: entry?.DomainPackageStatus ?? 'NOT_ASSOCIATED',
    packageVersion: entry?.PackageVersion ?? null,
    release: index.releaseOf(entry?.PackageVersion) ?? null,
    outcome,
  };
}

/** `search-a ACTIVE v3 (1.2.0), search-b ASSOCIATING v3 (1.2.0)`: a partial rollout at a glance. */
export function summarize(reports: DomainReport[]): string {
  return reports.map((r) => `${r.domainName} ${r.status}${r.packageVersion ? ` ${r.packageVersion}` : ''}${r.release ? ` (${r.release})` : ''}`).join(', ') || '(none)';
}

/** AWS's answer to AssociatePackage when the domain already runs the package's available version. */
export function isAlreadyInDesiredState(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConflictException' && /already in desired state/i.test(error.message);
}

/**
 * Applying a package to one domain at a time needs the per-package lease (lib/release/lease.ts):
 * called before every AssociatePackage, it throws when this execution no longer holds the lease,
 * so a release whose lease expired never changes a domain another release now owns.
 */
export type LeaseCheck = () => Promise<void>;

/**
 * AssociatePackage on one domain, after renewing the lease (fenced): the domain then picks up the
 * package's AvailablePackageVersion. "Already in desired state" means the domain runs it; another
 * ConflictException means an operation is in progress on the domain (reported `busy`).
 * `alreadyOutcome` names the desired-state case as the calling step reports it.
 */
export async function associateUnderLease(
  opensearch: OpenSearchClient,
  target: { packageId: string; domainName: string; entry: DomainPackageDetails | undefined },
  index: ReleaseIndex,
  assertLease: LeaseCheck,
  alreadyOutcome: 'already-active' | 'active',
): Promise<DomainReport> {
  const { packageId, domainName, entry } = target;
  await assertLease();
  try {
    return report(domainName, await associatePackage(opensearch, { packageId, domainName }), index, 'associated');
  } catch (e) {
    if (isAlreadyInDesiredState(e)) return report(domainName, entry && { ...entry, DomainPackageStatus: 'ACTIVE' }, index, alreadyOutcome);
    if ((e as Error).name === 'ConflictException') return report(domainName, entry, index, 'busy');
    throw e;
  }
}
