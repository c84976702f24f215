import { GetBucketsAggregationCommand, GetStatisticsCommand, type IoTClient, type JobSummary, paginateListJobs } from '@aws-sdk/client-iot';

/** One helper per fleet-index and job-listing call the fleet view makes. */

/** GetBucketsAggregation (terms) of `field` over the things matching `query`: value → count. */
export async function termBuckets(iot: IoTClient, query: string, field: string, maxBuckets: number): Promise<Record<string, number>> {
  const out = await iot.send(new GetBucketsAggregationCommand({ queryString: query, aggregationField: field, bucketsAggregationType: { termsAggregation: { maxBuckets } } }));
  return Object.fromEntries((out.buckets ?? []).map((b) => [b.keyValue ?? '', b.count ?? 0]));
}

/** GetStatistics: how many things match `query`. */
export async function countThings(iot: IoTClient, query: string): Promise<number> {
  return (await iot.send(new GetStatisticsCommand({ queryString: query }))).statistics?.count ?? 0;
}

/** ListJobs with status IN_PROGRESS (all pages). */
export async function jobsInProgress(iot: IoTClient): Promise<JobSummary[]> {
  const jobs: JobSummary[] = [];
  for await (const page of paginateListJobs({ client: iot }, { status: 'IN_PROGRESS' })) jobs.push(...(page.jobs ?? []));
  return jobs;
}
