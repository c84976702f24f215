import type { Context } from 'aws-lambda';
import { opensearchClient } from '../clients/aws';
import { type DomainSelection, domainWaitMinutes, type PackageSettings, packageSettings, parsePackagesConfig } from '../release/config';
import type { LeaseCheck } from '../release/domain-state';
import { OpenSearchPackageLocked } from '../release/errors';
import { acquireLease, type Lease, type LeaseStore, openSearchLeaseKey, releaseLease, renewLease } from '../release/lease';
import type { ReleaseRequest } from '../release/request';
import { leaseOwner } from '../release/steps/update-opensearch';
import { leaseStoreFromEnv } from './lease-store';

/**
 * What ApplyToDomains and CheckDomains hand the release logic: the package's `domains` settings
 * (read from PACKAGES_CONFIG when the step runs, so a fixed configuration applies on redrive) and
 * the OpenSearch package's lease, taken (or renewed, for the same execution) on every invocation.
 */
export function domainSettings(release: ReleaseRequest): { selection: DomainSelection; settings: PackageSettings } {
  const settings = packageSettings(parsePackagesConfig(process.env.PACKAGES_CONFIG), release.packageName);
  return { selection: settings.domains ?? 'associated', settings };
}

export { domainWaitMinutes };

export interface HeldLease {
  lease: Lease;
  /** Renews the lease with its fence before a domain is changed; throws when it was lost. */
  assertLease: LeaseCheck;
  release(): Promise<void>;
}

/** Takes the OpenSearch package's lease for this execution (OpenSearchPackageLocked while another release holds it). */
export async function holdLease(release: ReleaseRequest, opensearchPackage: string, store: LeaseStore = leaseStoreFromEnv()): Promise<HeldLease> {
  const lease = await acquireLease(store, openSearchLeaseKey(opensearchPackage), leaseOwner(release), `${release.packageName}@${release.versionName}`);
  return {
    lease,
    assertLease: async () => {
      if (!(await renewLease(store, lease))) throw new OpenSearchPackageLocked(`the lease on ${opensearchPackage} was taken over; looking again before changing a domain`);
    },
    release: async () => {
      await releaseLease(store, lease);
    },
  };
}

export function domainsClient() {
  return opensearchClient();
}

/** Region and account of this function: a domain ARN elsewhere is a configuration error. */
export function whereFromContext(context: Context): { region: string; accountId?: string } {
  return { region: process.env.AWS_REGION ?? 'us-east-1', accountId: context.invokedFunctionArn?.split(':')[4] || undefined };
}
