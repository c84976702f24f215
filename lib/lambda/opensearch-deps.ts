import { opensearchClient, opensearchWriteClient, s3Client } from '../clients/aws';
import type { UpdateOpenSearchDeps } from '../release/steps/update-opensearch';
import { domainSettings } from './domain-deps';
import { leaseStoreFromEnv } from './lease-store';

/** What the UpdateOpenSearch and CheckOpenSearch Lambdas hand the release logic, from their environment. */
export function openSearchDepsFromEnv(): UpdateOpenSearchDeps {
  return {
    opensearch: opensearchClient(),
    opensearchWrites: opensearchWriteClient(),
    s3: s3Client(),
    stagingBucket: process.env.STAGING_BUCKET || undefined,
    stagingPrefix: process.env.STAGING_PREFIX ?? 'staging/',
    lease: leaseStoreFromEnv(),
    holdLeaseForDomains: (release) => domainSettings(release).selection !== 'none',
  };
}
