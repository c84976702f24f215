import type { IoTClient } from '@aws-sdk/client-iot';
import { countThings, jobsInProgress, termBuckets } from '../clients/fleet-view';
import { describeJob } from '../clients/iot-jobs';
import { IOT_JOBS } from '../release/iot-jobs-constraints';
import { formatCounts, type StageCounts } from '../release/rollout/errors';
import { stageCounts } from '../release/rollout/job';

/**
 * `pkgrelease fleet <package>`: which devices run which version, from the fleet index (the
 * `$package` shadow's `reported.<package>.version`, a custom field of the thing index), and the
 * package's rollout jobs still in progress with their counts.
 */
export interface FleetReport {
  packageName: string;
  query: string;
  /** Things matching the query. */
  things: number;
  /** Version → how many of those things report it. */
  versions: Record<string, number>;
  /** Things whose `$package` shadow reports no version of the package. */
  withoutVersion: number;
  rollouts: { jobId: string; status: string; counts: StageCounts }[];
}

/** The fleet index cannot aggregate the package's version: the field is not indexed. Nothing was changed. */
export class VersionFieldNotIndexed extends Error {
  override readonly name = 'VersionFieldNotIndexed';
}

export const versionField = (packageName: string) => `shadow.name.${IOT_JOBS.packageShadowName}.reported.${packageName}.version`;

export async function fleetReport(iot: IoTClient, packageName: string, opts: { group?: string } = {}): Promise<FleetReport> {
  const query = opts.group ? `thingGroupNames:${opts.group}` : '*';
  const field = versionField(packageName);
  const buckets = termBuckets(iot, query, field, IOT_JOBS.maxBuckets.max).catch((e: Error) => {
    if (e.name !== 'InvalidAggregationException') throw e;
    throw new VersionFieldNotIndexed(
      `the fleet index cannot count versions of ${packageName} (${e.message}); add the String custom field ${field} to the thing indexing configuration, with the ${IOT_JOBS.packageShadowName} named shadow indexed (docs/rollout.md)`,
    );
  });
  const [things, versions, jobs] = await Promise.all([countThings(iot, query), buckets, jobsInProgress(iot)]);
  // Stage jobs are named `<package>-<version>-<stage>-…` (lib/release/rollout/job.ts).
  const prefix = `${packageName.replace(/[^a-zA-Z0-9_-]/g, '_')}-`;
  const ours = jobs.filter((j) => j.jobId?.startsWith(prefix));
  const rollouts = await Promise.all(
    ours.map(async (j) => {
      const job = await describeJob(iot, j.jobId!);
      return { jobId: j.jobId!, status: job?.status ?? j.status ?? 'UNKNOWN', counts: stageCounts(job ?? {}) };
    }),
  );
  const onSome = Object.values(versions).reduce((n, c) => n + c, 0);
  return { packageName, query, things, versions, withoutVersion: Math.max(0, things - onSome), rollouts };
}

/** The report as lines: one per version (most devices first), then the rollouts in progress. */
export function renderFleet(r: FleetReport): string {
  const width = Math.max(7, ...Object.keys(r.versions).map((v) => v.length));
  const lines = [`${r.packageName}: ${r.things} device(s) matching ${r.query}`, `${'VERSION'.padEnd(width)}  DEVICES`];
  for (const [v, n] of Object.entries(r.versions).sort((a, b) => b[1] - a[1])) lines.push(`${v.padEnd(width)}  ${n}`);
  if (r.withoutVersion) lines.push(`${'(none)'.padEnd(width)}  ${r.withoutVersion}`);
  if (r.rollouts.length) {
    lines.push('', 'rollout jobs in progress:');
    for (const j of r.rollouts) lines.push(`  ${j.jobId}  ${j.status}  ${formatCounts(j.counts)}`);
  }
  return lines.join('\n');
}
