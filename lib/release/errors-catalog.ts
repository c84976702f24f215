/**
 * Every error a release can end with, one row each: who raises it, whether the state machine
 * retries it, whether a Redrive can fix it, what a person does next, and what it means.
 *
 * Derived from this table: the error classes (lib/release/errors.ts, whose `name` is the row's key),
 * the retry / terminal / poll name lists, the redrive advice (lib/release/redrive-policy.ts) and the
 * runbook's error table (docs/runbook.md, written by `npm run docs`). The state machine stays the one
 * description of the flow: `test/unit/error-catalog.test.ts` fails when its Retry lists and the
 * `retried` column disagree. Adding an error is one row here, or in its capability's `error-rows.ts`
 * (lib/release/rollout/, lib/release/sbom/), plus its class if a step throws it.
 */

import { ROLLBACK_ERROR_ROWS } from './rollback/error-rows';
import { ROLLOUT_ERROR_ROWS } from './rollout/error-rows';
import { SBOM_ERROR_ROWS } from './sbom/error-rows';

export interface ErrorEntry {
  /**
   * `step`: a step of ours throws it (a class in lib/release/errors.ts). `idempotency`: Powertools'
   * idempotency layer. `approval`: `pkgrelease reject`. `states` / `lambda`: Step Functions / Lambda.
   */
  readonly raisedBy: 'step' | 'idempotency' | 'approval' | 'states' | 'lambda';
  /** Whether the state machine's Retry lists name it (how often and how fast: the ASL says). */
  readonly retried: boolean;
  /** For a "not ready yet" error the ASL polls by retrying: the kind of AWS work waited for (metrics' `Wait`). */
  readonly poll?: string;
  /** Whether redriving the execution can make it succeed once the cause is gone (a redrive re-runs the same input). */
  readonly redrivable: boolean;
  /** What a person does next, in one sentence of plain text (the CLI, the console and the runbook show it). */
  readonly action: string;
  /** What happened (markdown, for the runbook). */
  readonly meaning: string;
  /** Names that share this row (the key is then what the runbook shows). */
  readonly names?: readonly string[];
}

const FIX_INPUT = 'fix the input and upload a new release (a redrive re-runs the same input)';
const REDRIVE = 'redrive: it resumes at the failed state once the cause is gone';

export const ERROR_CATALOG = {
  InvalidRelease: {
    raisedBy: 'step',
    retried: false,
    redrivable: false,
    action: FIX_INPUT,
    meaning:
      'the input cannot become a valid release (key outside the convention, name breaks the IoT pattern/length, attributes > 3 KB, control characters, unknown package, bad manifest field, …)',
  },
  ArtifactNotFound: {
    raisedBy: 'step',
    retried: false,
    redrivable: false,
    action: 'upload the artifact again; the pinned S3 object version does not exist',
    meaning: 'the S3 object or the pinned version does not exist (check the key, not URL-encoded, and the version id)',
  },
  VersionConflict: {
    raisedBy: 'step',
    retried: false,
    redrivable: false,
    action: 'released versions are never overwritten: upload under a new version name',
    meaning: 'the version name already exists with a different artifact',
  },
  FleetIndexingDisabled: {
    raisedBy: 'step',
    retried: false,
    redrivable: true,
    action: 'turn fleet indexing on (pkgrelease doctor --fix-indexing), then redrive: CreateVersion runs again',
    meaning: "AWS IoT refused `CreatePackage` / `CreatePackageVersion`: the account's fleet indexing (thing indexing with the `$package` named shadow) is off, as in a fresh account; `pkgrelease doctor` names what to change",
  },
  NotApproved: {
    raisedBy: 'step',
    retried: false,
    redrivable: false,
    action: 'the package requires approval now: start a new execution with the same input, it waits at WaitForApproval (a redrive resumes at Promote and cannot ask)',
    meaning: "`Promote` found no approval for a package whose configuration requires one now (`requireApproval` was turned on after this execution passed the gate)",
  },
  OpenSearchPackageNotFound: {
    raisedBy: 'step',
    retried: false,
    redrivable: true,
    action: 'create the OpenSearch package (or fix "opensearchPackage"), then redrive',
    meaning: 'no OpenSearch package with the configured name exists in this account and region',
  },
  OpenSearchPackageBusy: {
    raisedBy: 'step',
    retried: true,
    redrivable: true,
    action: 'redrive once the package has finished its other update: the retries ran out',
    meaning: 'the OpenSearch package is processing another update (`COPYING` / `VALIDATING`)',
  },
  OpenSearchPackageFailed: {
    raisedBy: 'step',
    retried: false,
    redrivable: false,
    action: 'OpenSearch rejected the content: fix the artifact and release it as a new version',
    meaning: 'OpenSearch rejected the content (`COPY_FAILED` / `VALIDATION_FAILED`; the message carries `ErrorDetails`)',
  },
  OpenSearchNotReady: {
    raisedBy: 'step',
    retried: true,
    poll: 'OpenSearchImport',
    redrivable: true,
    action: 'redrive: it polls the import again (the polls ran out)',
    meaning: "this release's import is still running: the `CheckOpenSearch` poll itself",
  },
  OpenSearchPackageLocked: {
    raisedBy: 'step',
    retried: true,
    redrivable: true,
    action: 'redrive: the retries ran out while another release held the lease (a lease left by a crashed execution frees itself after LEASE_TTL_SECONDS)',
    meaning: "another release holds the OpenSearch package's lease (between its update and the end of its rollout)",
  },
  DomainConfigInvalid: {
    raisedBy: 'step',
    retried: false,
    redrivable: true,
    action: 'fix "domains" in config/packages.json (or create the domain) and redeploy, then redrive',
    meaning: '`domains` names a domain that does not exist here, or an ARN of another region or account (nothing was changed)',
  },
  DomainBusy: {
    raisedBy: 'step',
    retried: true,
    redrivable: true,
    action: 'redrive once the domain has finished its other change: the retries ran out',
    meaning: 'a domain is in another package operation or a blue/green deployment',
  },
  DomainsPending: {
    raisedBy: 'step',
    retried: true,
    poll: 'DomainAssociation',
    redrivable: true,
    action: 'redrive: it polls the domains again with a fresh budget (domainWaitMinutes ran out)',
    meaning: "some domains are still `ASSOCIATING`: the `CheckDomains` poll, which gives up after `domainWaitMinutes` (the package's setting)",
  },
  DomainsPendingBlueGreen: {
    raisedBy: 'step',
    retried: true,
    poll: 'BlueGreenDeployment',
    redrivable: true,
    action: 'redrive: it polls the domains again with a fresh budget (domainWaitMinutes ran out)',
    meaning: 'the same for a ZIP-PLUGIN package: its domains run blue/green deployments (tens of minutes), polled on a longer backoff within the same budget',
  },
  DomainAssociationFailed: {
    raisedBy: 'step',
    retried: false,
    redrivable: true,
    action: 'fix what the domain reported (ErrorDetails), then redrive: it associates only the failed domains again',
    meaning: "a domain reported `ASSOCIATION_FAILED` (the message names the domain, the package version, `ErrorDetails` and every domain's state)",
  },
  DomainNotReady: {
    raisedBy: 'step',
    retried: false,
    redrivable: true,
    action: 'redrive: it waits again with a fresh budget (a partial rollout shows in the message)',
    meaning: 'not every domain was `ACTIVE` within `domainWaitMinutes`',
  },
  ...ROLLOUT_ERROR_ROWS,
  ...SBOM_ERROR_ROWS,
  ...ROLLBACK_ERROR_ROWS,
  TransientAwsError: {
    raisedBy: 'step',
    retried: true,
    redrivable: true,
    action: REDRIVE,
    meaning: "a throttle, 5xx or network failure from an AWS call that outlasted the SDK's own retries (the step converges by looking when it runs again)",
  },
  IdempotencyAlreadyInProgressError: {
    raisedBy: 'idempotency',
    retried: true,
    redrivable: true,
    action: REDRIVE,
    meaning: 'the same step for the same token is running elsewhere',
  },
  IdempotencyValidationError: {
    raisedBy: 'idempotency',
    retried: false,
    redrivable: false,
    action: 'its clientToken was used for another release: start it again without clientToken (or with a new one)',
    meaning: 'a `clientToken` was reused for another package, version or artifact (one is derived from the artifact when omitted)',
  },
  IdempotencyPersistenceLayerError: {
    raisedBy: 'idempotency',
    retried: true,
    redrivable: true,
    action: 'if it persists, check the idempotency table and the role, then redrive',
    meaning: 'the idempotency table could not be read or written',
  },
  ReleaseRejected: {
    raisedBy: 'approval',
    retried: false,
    redrivable: false,
    action: 'a person rejected it at WaitForApproval: fix what they named and release a new version',
    meaning: 'a person rejected the release at `WaitForApproval` (`pkgrelease reject`; the cause is their reason); the version stays DRAFT',
  },
  'States.Timeout': {
    raisedBy: 'states',
    retried: false,
    redrivable: true,
    action: 'redrive: it resumes at the step that timed out',
    meaning: 'a step or the whole execution ran out of time',
  },
  'Lambda.*': {
    raisedBy: 'lambda',
    retried: true,
    redrivable: true,
    action: `if it persists, check the function; ${REDRIVE}`,
    meaning: 'Lambda could not run the function (its service errors)',
    names: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
  },
} as const satisfies Record<string, ErrorEntry>;

type Catalog = typeof ERROR_CATALOG;
export type CatalogErrorName = keyof Catalog;
/** Errors our steps throw: each has a class of that name in lib/release/errors.ts. */
export type StepErrorName = { [K in CatalogErrorName]: Catalog[K]['raisedBy'] extends 'step' ? K : never }[CatalogErrorName];
type PollErrorName = { [K in CatalogErrorName]: Catalog[K] extends { poll: string } ? K : never }[CatalogErrorName];

const rows = Object.entries(ERROR_CATALOG) as [CatalogErrorName, ErrorEntry][];
const stepNames = rows.filter(([, e]) => e.raisedBy === 'step').map(([name]) => name as StepErrorName);

/** Step errors the ASL retries (each must appear in some Retry). */
export const RETRYABLE_ERROR_NAMES: readonly StepErrorName[] = stepNames.filter((n) => ERROR_CATALOG[n].retried);
/** Step errors the ASL must never retry: only a fix (and a new release or a redrive) helps. */
export const TERMINAL_ERROR_NAMES: readonly StepErrorName[] = stepNames.filter((n) => !ERROR_CATALOG[n].retried);
/**
 * The waits for AWS's own work, one name per kind of work: the ASL polls each by Retry with its
 * own backoff (start soon, grow to a cap fitted to how long that work takes). The diagram draws
 * them as loops and the metrics count their polls.
 */
export const POLL_ERROR_NAMES = Object.fromEntries(rows.flatMap(([name, e]) => (e.poll ? [[name, e.poll]] : []))) as {
  readonly [K in PollErrorName]: Catalog[K]['poll'];
};

/** Every error name the catalog covers, with the row it belongs to (a family's members map to its row). */
export function catalogEntry(errorName: string | undefined | null): (ErrorEntry & { name: CatalogErrorName }) | undefined {
  if (!errorName) return undefined;
  const row = rows.find(([name, e]) => name === errorName || e.names?.includes(errorName));
  return row && { ...row[1], name: row[0] };
}

/** The names the ASL's ErrorEquals can carry for one row (a family's members, or the row's own name). */
export function matchedNames(name: CatalogErrorName): readonly string[] {
  const entry: ErrorEntry = ERROR_CATALOG[name];
  return entry.names ?? [name];
}

/** For anything the catalog does not name (a Lambda's own unhandled error, say). */
export const UNLISTED_ACTION = REDRIVE;
