/**
 * Errors the pipeline raises on purpose. Each class's `name` is exactly what the state machine's
 * `ErrorEquals` matches (Lambda reports `error.name` as the error type), so renaming one means
 * changing `statemachines/release.asl.json` too — `test/infra/asl.test.ts` checks they agree.
 */

/** Base: carries a message a person can act on. `retryable` mirrors the ASL retry policy. */
export abstract class ReleaseError extends Error {
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The input cannot be turned into a valid release. Fix the input (key, manifest, config); retrying will not help. */
export class InvalidRelease extends ReleaseError {
  override readonly name = 'InvalidRelease';
  readonly retryable = false;
  constructor(
    message: string,
    /** Which field was wrong, e.g. `versionName` or `attributes.build`. */
    readonly field?: string,
  ) {
    super(field ? `${field}: ${message}` : message);
  }
}

/** The artifact (or the pinned version of it) does not exist in S3. */
export class ArtifactNotFound extends ReleaseError {
  override readonly name = 'ArtifactNotFound';
  readonly retryable = false;
}

/** The IoT version name already exists with a different artifact: never overwrite a released version. */
export class VersionConflict extends ReleaseError {
  override readonly name = 'VersionConflict';
  readonly retryable = false;
}

/** No OpenSearch package with the configured name exists in this account and region. */
export class OpenSearchPackageNotFound extends ReleaseError {
  override readonly name = 'OpenSearchPackageNotFound';
  readonly retryable = false;
}

/** The OpenSearch package is processing another update (COPYING / VALIDATING). Retried with backoff. */
export class OpenSearchPackageBusy extends ReleaseError {
  override readonly name = 'OpenSearchPackageBusy';
  readonly retryable = true;
}

/** OpenSearch rejected this release's content (COPY_FAILED / VALIDATION_FAILED). Fix the artifact. */
export class OpenSearchPackageFailed extends ReleaseError {
  override readonly name = 'OpenSearchPackageFailed';
  readonly retryable = false;
  constructor(
    readonly status: string,
    readonly errorDetails: { ErrorType?: string; ErrorMessage?: string } | undefined,
    packageName: string,
  ) {
    super(
      `OpenSearch package ${packageName} is ${status}` +
        (errorDetails ? `: ${errorDetails.ErrorType ?? 'Error'}: ${errorDetails.ErrorMessage ?? ''}` : ''),
    );
  }
}

/**
 * This release's import is still running (COPYING / VALIDATING). The ASL polls by retrying on this
 * name; when the retries run out the execution fails with it, and a Redrive polls again.
 */
export class OpenSearchNotReady extends ReleaseError {
  override readonly name = 'OpenSearchNotReady';
  readonly retryable = true;
}

/**
 * Another release holds the OpenSearch package's lease (it is between its update and the end of its
 * rollout). Retried with backoff; a lease whose holder crashed expires by itself.
 */
export class OpenSearchPackageLocked extends ReleaseError {
  override readonly name = 'OpenSearchPackageLocked';
  readonly retryable = true;
  constructor(
    message: string,
    /** What the lease's holders last saw the package serve (lib/release/lease.ts ServedMemo). */
    readonly served?: { version: string; packageId: string; packageVersion?: string },
  ) {
    super(message);
  }
}

// --- domains (issue 9) ----------------------------------------------------------------------------

/** What a domain reported about one association. */
export interface DomainErrorDetails {
  ErrorType?: string;
  ErrorMessage?: string;
}

/**
 * The `domains` setting names a domain that does not exist in this account and region (or an ARN
 * of another region or account). Raised before any domain is changed. Fix config/packages.json,
 * redeploy, then redrive (the domain steps read the configuration when they run).
 */
export class DomainConfigInvalid extends ReleaseError {
  override readonly name = 'DomainConfigInvalid';
  readonly retryable = false;
}

/** A domain reported ASSOCIATION_FAILED for this release's package version. A redrive associates it again. */
export class DomainAssociationFailed extends ReleaseError {
  override readonly name = 'DomainAssociationFailed';
  readonly retryable = false;
  constructor(
    readonly domainName: string,
    readonly packageVersion: string,
    readonly errorDetails: DomainErrorDetails | undefined,
    /** Every domain's state, so a partial rollout is visible in the error. */
    summary: string,
  ) {
    super(
      `domain ${domainName} failed to apply package version ${packageVersion}` +
        (errorDetails ? `: ${errorDetails.ErrorType ?? 'Error'}: ${errorDetails.ErrorMessage ?? ''}` : '') +
        `; domains: ${summary}; redrive to associate it again once the cause is fixed`,
    );
  }
}

/** A domain is processing another change (blue/green, another package operation). Retried with backoff. */
export class DomainBusy extends ReleaseError {
  override readonly name = 'DomainBusy';
  readonly retryable = true;
}

/** Some domains are still ASSOCIATING: the CheckDomains poll. Retried by the state machine until the budget runs out. */
export class DomainsPending extends ReleaseError {
  override readonly name = 'DomainsPending';
  readonly retryable = true;
}

/**
 * DomainsPending for a ZIP-PLUGIN package: each domain runs a blue/green deployment (tens of
 * minutes), so the state machine polls it on a longer backoff than a dictionary's association.
 */
export class DomainsPendingBlueGreen extends ReleaseError {
  override readonly name = 'DomainsPendingBlueGreen';
  readonly retryable = true;
}

/** Not every domain was ACTIVE within the poll budget. A redrive polls again (with a fresh budget). */
export class DomainNotReady extends ReleaseError {
  override readonly name = 'DomainNotReady';
  readonly retryable = false;
}

// --- end domains ---------------------------------------------------------------------------------

/**
 * A throttle, 5xx or network failure from an AWS call that outlasted the SDK's own retries.
 * The state machine retries it with backoff; the step converges by looking when it runs again.
 */
export class TransientAwsError extends ReleaseError {
  override readonly name = 'TransientAwsError';
  readonly retryable = true;
}

/** Names the ASL must treat as retryable / non-retryable: one list, read by the ASL test. */
export const RETRYABLE_ERROR_NAMES = ['TransientAwsError', 'OpenSearchPackageBusy', 'OpenSearchPackageLocked', 'OpenSearchNotReady', 'DomainBusy', 'DomainsPending', 'DomainsPendingBlueGreen', 'SbomNotArrived', 'SbomValidating'] as const;
/**
 * The waits for AWS's own work, one name per kind of work: the ASL polls each by Retry with its
 * own backoff (start soon, grow to a cap fitted to how long that work takes). The diagram draws
 * them as loops and the metrics count their polls.
 */
export const POLL_ERROR_NAMES = { OpenSearchNotReady: 'OpenSearchImport', DomainsPending: 'DomainAssociation', DomainsPendingBlueGreen: 'BlueGreenDeployment' } as const;
export const TERMINAL_ERROR_NAMES = [
  'InvalidRelease',
  'ArtifactNotFound',
  'VersionConflict',
  'OpenSearchPackageNotFound',
  'OpenSearchPackageFailed',
  'DomainConfigInvalid',
  'DomainAssociationFailed',
  'DomainNotReady',
  'SbomLocationInvalid',
  'SbomMissing',
  'SbomInvalid',
] as const;

interface SdkErrorShape {
  name?: string;
  $fault?: 'client' | 'server';
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  code?: string;
}

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ProvisionedThroughputExceededException',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/** True for errors worth retrying later: throttling, 5xx, and network failures. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & SdkErrorShape;
  if (e.name === 'TimeoutError' || (e.code && NETWORK_CODES.has(e.code))) return true;
  if (e.name && THROTTLING_NAMES.has(e.name)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return e.$fault === 'server' || (status !== undefined && status >= 500);
}

/** Re-raise transient SDK errors under the one name the ASL retries; anything else unchanged. */
export function classifyAwsError(error: unknown, what: string): unknown {
  if (error instanceof ReleaseError || !isTransient(error)) return error;
  const e = error as Error;
  return new TransientAwsError(`${what} failed transiently: ${e.name}: ${e.message}`, { cause: error });
}

