import { ExecutionStatusChangeEventSchema, FAILURE_STATUSES } from '../notifications/format';
import { summariseReleaseInput } from '../notifications/release-summary';
import { opensearchPackageOf, type PackagesConfig } from './config';
import { expireLeaseOf, type LeaseStore, openSearchLeaseKey } from './lease';

/**
 * The longest a Lambda invocation holding the lease can run: the TimeoutSeconds of the
 * UpdateOpenSearch and CheckOpenSearch Task states (statemachines/release.asl.json), which bound
 * their Lambdas' timeouts.
 */
export const LEASE_HOLDER_MAX_INVOCATION_SECONDS = 120;

/**
 * An execution that ended FAILED, TIMED_OUT or ABORTED while holding its OpenSearch package's
 * lease (polls ran out, a person stopped it, the execution timed out) gives it back, from the
 * failure notification, as soon as none of its invocations can still be running — within
 * LEASE_HOLDER_MAX_INVOCATION_SECONDS instead of the lease's TTL. Returns the lease key, if it held it.
 */
export async function freeLeaseOfEndedExecution(event: unknown, deps: { lease: LeaseStore; config: PackagesConfig }): Promise<string | undefined> {
  const parsed = ExecutionStatusChangeEventSchema.safeParse(event);
  if (!parsed.success || !(FAILURE_STATUSES as readonly string[]).includes(parsed.data.detail.status)) return undefined;
  const packageName = summariseReleaseInput(parsed.data.detail.input).package;
  const settings = packageName !== undefined && Object.hasOwn(deps.config.packages, packageName) ? deps.config.packages[packageName] : undefined;
  if (!packageName || !settings) return undefined;
  const key = openSearchLeaseKey(opensearchPackageOf(packageName, settings));
  return (await expireLeaseOf(deps.lease, key, parsed.data.detail.name, LEASE_HOLDER_MAX_INVOCATION_SECONDS)) ? key : undefined;
}
