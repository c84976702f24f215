import { ERROR_CATALOG, type StepErrorName } from './errors-catalog';

/**
 * The errors our steps throw, one class per `step` row of the catalog (lib/release/errors-catalog.ts:
 * what each means, whether it is retried or redrivable, what to do). Each class's `name` is the row's
 * key, exactly what the state machine's `ErrorEquals` matches (Lambda reports `error.name` as the
 * error type).
 */

/** Base: carries a message a person can act on. */
export abstract class ReleaseError extends Error {
  abstract override readonly name: StepErrorName;
  /** Whether the state machine retries it (the catalog's `retried`). */
  get retryable(): boolean {
    return ERROR_CATALOG[this.name].retried;
  }
}

/** The base class of one catalog row: `class X extends catalogError('X') {}`. */
export function catalogError<N extends StepErrorName>(name: N) {
  return class extends ReleaseError {
    override readonly name: N = name;
  };
}

export class InvalidRelease extends catalogError('InvalidRelease') {
  constructor(
    message: string,
    /** Which field was wrong, e.g. `versionName` or `attributes.build`. */
    readonly field?: string,
  ) {
    super(field ? `${field}: ${message}` : message);
  }
}

export class ArtifactNotFound extends catalogError('ArtifactNotFound') {}

export class VersionConflict extends catalogError('VersionConflict') {}

export class OpenSearchPackageNotFound extends catalogError('OpenSearchPackageNotFound') {}

export class OpenSearchPackageBusy extends catalogError('OpenSearchPackageBusy') {}

export class OpenSearchPackageFailed extends catalogError('OpenSearchPackageFailed') {
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

export class OpenSearchNotReady extends catalogError('OpenSearchNotReady') {}

export class OpenSearchPackageLocked extends catalogError('OpenSearchPackageLocked') {
  constructor(
    message: string,
    /** What the lease's holders last saw the package serve (lib/release/lease.ts ServedMemo). */
    readonly served?: { version: string; packageId: string; packageVersion?: string },
  ) {
    super(message);
  }
}

/**
 * IoT refused CreatePackage / CreatePackageVersion because the account's fleet indexing is off (the
 * Software Package Catalog needs it). Terminal: retrying cannot turn it on.
 */
export class FleetIndexingDisabled extends catalogError('FleetIndexingDisabled') {}

/** Promote found no approval for a package whose configuration requires one now. */
export class NotApproved extends catalogError('NotApproved') {}

/** What a domain reported about one association. */
export interface DomainErrorDetails {
  ErrorType?: string;
  ErrorMessage?: string;
}

export class DomainConfigInvalid extends catalogError('DomainConfigInvalid') {}

export class DomainAssociationFailed extends catalogError('DomainAssociationFailed') {
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

export class DomainBusy extends catalogError('DomainBusy') {}

export class DomainsPending extends catalogError('DomainsPending') {}

export class DomainsPendingBlueGreen extends catalogError('DomainsPendingBlueGreen') {}

export class DomainNotReady extends catalogError('DomainNotReady') {}

export class TransientAwsError extends catalogError('TransientAwsError') {}
