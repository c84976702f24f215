import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { POLL_ERROR_NAMES } from '../release/errors-catalog';

/**
 * The pipeline's CloudWatch metrics, written as embedded metric format (EMF) log lines by
 * Powertools Metrics: no CloudWatch API call and no IAM grant, the Lambda's log group is enough.
 *
 * One namespace. Dimensions stay low-cardinality, because every distinct combination is a custom
 * metric billed per month and a dashboard cannot sum across them: `service`, and where it tells
 * the work apart `PackageType` (the OpenSearch package types: a handful), `Wait` (the three kinds
 * of poll) or `ErrorName` (the error catalog). Package and version names are never dimensions
 * (packages grow with the fleet, versions with every release): they ride along as EMF metadata,
 * which CloudWatch Logs Insights can query per package without making a metric of each.
 */
export const METRICS_NAMESPACE = 'pkgrelease';
export const METRICS_SERVICE = 'pkgrelease';

export const METRIC_UNITS = {
  ReleasesStarted: MetricUnit.Count,
  ReleasesSucceeded: MetricUnit.Count,
  ReleasesFailed: MetricUnit.Count,
  /** Start to end of the execution (its first start, so a redriven release counts its whole time). */
  ReleaseDuration: MetricUnit.Seconds,
  /** UpdatePackage to AVAILABLE, as CheckOpenSearch saw it. */
  OpenSearchImportDuration: MetricUnit.Seconds,
  /** AssociatePackage to every domain ACTIVE, as CheckDomains saw it. */
  DomainAssociationDuration: MetricUnit.Seconds,
  /** One per look of a poll (Wait dimension); with WaitsCompleted: polls per wait. */
  Polls: MetricUnit.Count,
  WaitsCompleted: MetricUnit.Count,
  /** One per attempt that found another release holding the OpenSearch package's lease. */
  LeaseWaits: MetricUnit.Count,
  /** The version name existed with the same bytes: an identical re-upload (or a run whose record expired). */
  IdenticalReuploads: MetricUnit.Count,
  /** Ended runs that were redrives (one per redrive). */
  Redrives: MetricUnit.Count,
} as const;
export type MetricName = keyof typeof METRIC_UNITS;

type Sink = (line: string) => void;
let sink: Sink | undefined;

/** Sends EMF lines to `to` instead of stdout (the local twin keeps them for tests); undefined: stdout. */
export function setMetricsSink(to: Sink | undefined): void {
  sink = to;
}

/**
 * Publishes `values` as one EMF line with `dimensions`. One Metrics object per process (a Lambda
 * sandbox, or the local engine's thread running many invocations at once) is safe because this
 * function adds and publishes in one synchronous call, so no other invocation's dimensions or
 * metrics can land on it in between, and publishing clears them (one object per call cost a
 * Console and an environment read each time).
 */
export function emitMetrics(dimensions: Record<string, string>, values: Partial<Record<MetricName, number>>, metadata: Record<string, string> = {}): void {
  const { metrics, stdout } = sharedMetrics();
  // Powertools prints through its own console; the sink replaces it (the property is internal).
  (metrics as unknown as Printer).console = sink ? { log: sink } : stdout;
  for (const [name, value] of Object.entries(dimensions)) metrics.addDimension(name, value);
  for (const [name, value] of Object.entries(values)) if (value !== undefined) metrics.addMetric(name, METRIC_UNITS[name as MetricName], value);
  for (const [key, value] of Object.entries(metadata)) metrics.addMetadata(key, value);
  metrics.publishStoredMetrics();
}

type Printer = { console: { log: Sink } };
/** The process's Metrics object and the console it came with (stdout: what Lambda sends to CloudWatch). */
let shared: { metrics: Metrics; stdout: Printer['console'] } | undefined;
function sharedMetrics(): NonNullable<typeof shared> {
  if (!shared) {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
    shared = { metrics, stdout: (metrics as unknown as Printer).console };
  }
  return shared;
}

/** What a release is, for metadata: package and version (never dimensions). */
export function releaseMetadata(release: { packageName?: string; versionName?: string }): Record<string, string> {
  return { ...(release.packageName && { packageName: release.packageName }), ...(release.versionName && { versionName: release.versionName }) };
}

/** A failed step attempt: a poll that found the work not done yet, or a wait for the lease. */
export function recordStepError(errorName: string, release: { packageName?: string; versionName?: string }): void {
  const wait = POLL_ERROR_NAMES[errorName as keyof typeof POLL_ERROR_NAMES];
  if (wait) emitMetrics({ Wait: wait }, { Polls: 1 }, releaseMetadata(release));
  else if (errorName === 'OpenSearchPackageLocked') emitMetrics({}, { LeaseWaits: 1 }, releaseMetadata(release));
}

/** A wait that ended: its last poll, the wait itself, and how long AWS's work took (seconds). */
export function recordWaitDone(
  wait: (typeof POLL_ERROR_NAMES)[keyof typeof POLL_ERROR_NAMES],
  packageType: string | undefined,
  duration: { name: 'OpenSearchImportDuration' | 'DomainAssociationDuration'; seconds: number | undefined },
  release: { packageName?: string; versionName?: string },
): void {
  emitMetrics({ Wait: wait }, { Polls: 1, WaitsCompleted: 1 }, releaseMetadata(release));
  if (duration.seconds !== undefined) emitMetrics({ PackageType: packageType ?? 'unknown' }, { [duration.name]: duration.seconds }, releaseMetadata(release));
}

/** Seconds since `sinceMs` (epoch ms), or undefined when it is not known. */
export function secondsSince(sinceMs: number | undefined, now = Date.now()): number | undefined {
  return sinceMs === undefined ? undefined : Math.max(0, (now - sinceMs) / 1000);
}

/**
 * The end of an execution, from its "Execution Status Change" event: succeeded, or failed by
 * error name (a timeout or an abort by its status), its duration and whether it was a redrive.
 */
export function recordExecutionEnded(detail: { status: string; startDate?: number | null; stopDate?: number | null; error?: string | null; redriveCount?: number | null }, release: { packageName?: string; versionName?: string }): void {
  if (!['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'].includes(detail.status)) return;
  const metadata = releaseMetadata(release);
  const seconds = detail.startDate && detail.stopDate ? Math.max(0, (detail.stopDate - detail.startDate) / 1000) : undefined;
  const outcome = detail.status === 'SUCCEEDED' ? 'Succeeded' : 'Failed';
  emitMetrics({ Outcome: outcome }, { ReleaseDuration: seconds }, metadata);
  if (outcome === 'Succeeded') emitMetrics({}, { ReleasesSucceeded: 1 }, metadata);
  else {
    // Twice: in total (what the alarm watches) and by error name (what the dashboard breaks down).
    emitMetrics({}, { ReleasesFailed: 1 }, metadata);
    emitMetrics({ ErrorName: detail.error || (detail.status === 'TIMED_OUT' ? 'States.Timeout' : detail.status === 'ABORTED' ? 'Aborted' : 'Unknown') }, { ReleasesFailed: 1 }, metadata);
  }
  if ((detail.redriveCount ?? 0) > 0) emitMetrics({}, { Redrives: 1 }, metadata);
}
