import type { Context } from 'aws-lambda';
import { opensearchClient } from '../clients/aws';
import { type DomainSelection, type PackageSettings, packageSettings, packagesConfigFromEnv } from '../release/config';
import type { DomainRelease, LeaseCheck } from '../release/domain-state';
import { OpenSearchPackageLocked, ReleaseError } from '../release/errors';
import { isTransient } from '../release/errors-sdk';
import { acquireLease, type Lease, type LeaseStore, openSearchLeaseKey, peekLease, releaseLease, renewLease, type RolledBackHead } from '../release/lease';
import { leaseOwner } from '../release/steps/update-opensearch';
import { leaseStoreFromEnv } from './lease-store';

/**
 * What ApplyToDomains and CheckDomains hand the release logic: the package's `domains` settings
 * (read from PACKAGES_CONFIG when the step runs, so a fixed configuration applies on redrive) and
 * the OpenSearch package's lease, taken (or renewed, for the same execution) on every invocation.
 */
export function domainSettings(release: Pick<DomainRelease, 'packageName'>): { selection: DomainSelection; settings: PackageSettings } {
  const settings = packageSettings(packagesConfigFromEnv(), release.packageName);
  return { selection: settings.domains ?? 'associated', settings };
}

export interface HeldLease {
  lease: Lease;
  /** Renews the lease with its fence before a domain is changed; throws when it was lost. */
  assertLease: LeaseCheck;
  release(): Promise<void>;
}

/** Takes the OpenSearch package's lease for this execution (OpenSearchPackageLocked while another release holds it). */
export async function holdLease(release: DomainRelease, opensearchPackage: string, store: LeaseStore = leaseStoreFromEnv()): Promise<HeldLease> {
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

/**
 * Runs a domain step under the package's lease: taken (or renewed) first, given up when `finished`
 * says the rollout needs no more waiting, or when the step failed for good (a redrive takes it
 * again). Kept while the step will be retried (busy domains, domains still ASSOCIATING).
 */
export async function underLease<R>(
  release: DomainRelease,
  opensearchPackage: string,
  run: (assertLease: LeaseCheck, rolledBack: RolledBackHead | undefined) => Promise<R>,
  finished: (result: R) => boolean,
): Promise<R> {
  const held = await holdLease(release, opensearchPackage);
  try {
    const result = await run(held.assertLease, held.lease.rolledBack);
    if (finished(result)) await held.release();
    return result;
  } catch (e) {
    const retried = (e instanceof ReleaseError && e.retryable) || isTransient(e);
    if (!retried) await held.release();
    throw e;
  }
}

/**
 * While another release holds the lease, a domain step first looks without it: domains only move
 * forward, so "no domain, or every domain runs this release or a newer one" is true whoever holds
 * the lease, and needs no wait. Only a step that would change a domain waits for the lease.
 * Returns the step's result when it needed no change, else throws OpenSearchPackageLocked.
 */
export async function whileLockedByAnother<R>(
  release: DomainRelease,
  opensearchPackage: string,
  look: (assertLease: LeaseCheck, rolledBack: RolledBackHead | undefined) => Promise<R>,
  finished: (result: R) => boolean,
  store: LeaseStore = leaseStoreFromEnv(),
): Promise<R | undefined> {
  const { heldByOther, rolledBack } = await peekLease(store, openSearchLeaseKey(opensearchPackage), leaseOwner(release));
  if (!heldByOther) return undefined;
  const locked = new OpenSearchPackageLocked(`${openSearchLeaseKey(opensearchPackage)} is held by ${heldByOther}; waiting for it before changing a domain`);
  const result = await look(async () => {
    throw locked;
  }, rolledBack);
  if (finished(result)) return result;
  throw locked;
}

export function domainsClient() {
  return opensearchClient();
}

/** Region and account of this function: a domain ARN elsewhere is a configuration error. */
export function whereFromContext(context: Context): { region: string; accountId?: string } {
  return { region: process.env.AWS_REGION ?? 'us-east-1', accountId: context.invokedFunctionArn?.split(':')[4] || undefined };
}
