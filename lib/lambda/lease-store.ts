import { dynamodbClient } from '../clients/aws';
import type { LeaseStore } from '../release/lease';

/**
 * The OpenSearch package leases live in the idempotency table (IDEMPOTENCY_TABLE). A holder renews
 * at every step and poll (30 s apart on AWS); a lease not renewed for LEASE_TTL_SECONDS (default
 * 10 minutes, far longer than any Lambda invocation may run) is free for the next release.
 */
export const DEFAULT_LEASE_TTL_SECONDS = 600;

export function leaseStoreFromEnv(): LeaseStore {
  const table = process.env.IDEMPOTENCY_TABLE;
  if (!table) throw new Error('IDEMPOTENCY_TABLE is not set');
  const ttl = Number(process.env.LEASE_TTL_SECONDS ?? DEFAULT_LEASE_TTL_SECONDS);
  return { dynamodb: dynamodbClient(), table, ttlSeconds: Number.isFinite(ttl) && ttl > 0 ? ttl : DEFAULT_LEASE_TTL_SECONDS };
}
