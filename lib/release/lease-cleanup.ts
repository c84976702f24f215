import { ExecutionStatusChangeEventSchema, FAILURE_STATUSES } from '../notifications/format';
import { summariseReleaseInput } from '../notifications/release-summary';
import type { PackagesConfig } from './config';
import { type LeaseStore, openSearchLeaseKey, releaseLeaseOf } from './lease';

/**
 * An execution that ended FAILED, TIMED_OUT or ABORTED while holding its OpenSearch package's
 * lease (polls ran out, a person stopped it, the execution timed out) gives it back at once, from
 * the failure notification, instead of blocking the package's next release until the lease's TTL.
 * Returns the lease key it freed, if any.
 */
export async function freeLeaseOfEndedExecution(event: unknown, deps: { lease: LeaseStore; config: PackagesConfig }): Promise<string | undefined> {
  const parsed = ExecutionStatusChangeEventSchema.safeParse(event);
  if (!parsed.success || !(FAILURE_STATUSES as readonly string[]).includes(parsed.data.detail.status)) return undefined;
  const packageName = summariseReleaseInput(parsed.data.detail.input).package;
  const settings = packageName !== undefined ? deps.config.packages[packageName] : undefined;
  if (!packageName || !settings) return undefined;
  const key = openSearchLeaseKey(settings.opensearchPackage ?? packageName);
  return (await releaseLeaseOf(deps.lease, key, parsed.data.detail.name)) ? key : undefined;
}
