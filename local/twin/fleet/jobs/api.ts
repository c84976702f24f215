/** The IoT Jobs operations of the control plane (restJson1, the model's routes and shapes). */
import { IOT_JOBS, type JobExecutionStatus } from '../../../../lib/release/iot-jobs-constraints';
import { jsonReply, parseJsonBody, type Reply, type RequestContext, type Route } from '../../core/http';
import { check, memberError, notFound, num, obj, page, queryBool, queryInt, seconds, str, stringMap } from '../things/input';
import type { ThingRegistry } from '../things/registry';
import { type CreateJobContext, resolveJob } from './create-job';
import { parseJobSpec, strip } from './job-input';
import type { JobTemplates } from './job-templates';
import type { Execution, Job } from './job-model';
import type { JobStore } from './jobs';

const J = IOT_JOBS;
/** Default page size of ListJobs and ListJobExecutionsForJob (the model does not say). */
const DEFAULT_PAGE_SIZE = 50;

export function jobRoutes(jobs: JobStore, registry: ThingRegistry, templates: JobTemplates, ctx: Omit<CreateJobContext, 'registry' | 'templates' | 'jobExists' | 'jobArn'>): Route[] {
  const jobArn = (id: string) => `arn:aws:iot:${registry.region}:${registry.accountId}:job/${id}`;
  const r = (method: string, path: string, operation: string, handle: (c: RequestContext) => Reply): Route => ({
    method,
    path,
    operation,
    handle: (c) => {
      jobs.tick();
      return handle(c);
    },
  });
  const jobId = (c: RequestContext) => check(c.params.jobId ?? '', J.jobId, 'jobId');
  const thingName = (c: RequestContext) => check(c.params.thingName ?? '', J.thingName, 'thingName');
  const statusFilter = <T extends string>(c: RequestContext, values: readonly T[]): T | undefined => {
    const s = c.query.get('status');
    if (s === null) return undefined;
    if (!(values as readonly string[]).includes(s)) throw memberError('status', `must satisfy enum value set: [${values.join(', ')}]`);
    return s as T;
  };

  const jobOut = (job: Job) => {
    const counts = jobs.counts(job.spec.jobId);
    const { jobId: id, targets, targetSelection, document: _d, documentSource: _s, tags: _t, ...config } = job.spec;
    return strip({
      jobArn: job.jobArn,
      jobId: id,
      targetSelection,
      status: job.status,
      forceCanceled: job.forceCanceled,
      reasonCode: job.reasonCode,
      comment: job.comment,
      targets,
      ...config,
      createdAt: seconds(job.createdAt),
      lastUpdatedAt: seconds(job.lastUpdatedAt),
      completedAt: job.completedAt === undefined ? undefined : seconds(job.completedAt),
      isConcurrent: false,
      jobProcessDetails: {
        ...(job.rollout.pending.length > 0 && { processingTargets: targets }),
        numberOfCanceledThings: counts.CANCELED,
        numberOfSucceededThings: counts.SUCCEEDED,
        numberOfFailedThings: counts.FAILED,
        numberOfRejectedThings: counts.REJECTED,
        numberOfQueuedThings: counts.QUEUED,
        numberOfInProgressThings: counts.IN_PROGRESS,
        numberOfRemovedThings: counts.REMOVED,
        numberOfTimedOutThings: counts.TIMED_OUT,
      },
    });
  };
  const executionOut = (e: Execution, job: Job) => {
    const minutes = job.spec.timeoutConfig?.inProgressTimeoutInMinutes;
    const left = minutes !== undefined && e.status === 'IN_PROGRESS' && e.startedAt !== undefined ? Math.max(0, Math.round(minutes * 60 - (Date.now() - e.startedAt) / 1000)) : undefined;
    return strip({
      jobId: e.jobId,
      status: e.status,
      forceCanceled: e.forceCanceled,
      statusDetails: e.statusDetails && { detailsMap: e.statusDetails },
      thingArn: registry.thingArn(e.thingName),
      queuedAt: seconds(e.queuedAt),
      startedAt: e.startedAt === undefined ? undefined : seconds(e.startedAt),
      lastUpdatedAt: seconds(e.lastUpdatedAt),
      executionNumber: e.executionNumber,
      versionNumber: e.versionNumber,
      approximateSecondsBeforeTimedOut: left,
    });
  };

  return [
    r('PUT', '/jobs/{jobId}', 'CreateJob', (c) => {
      const spec = parseJobSpec(jobId(c), parseJsonBody(c));
      const resolved = resolveJob(spec, { ...ctx, registry, templates, jobExists: (id) => jobs.has(id), jobArn });
      const job = jobs.create(resolved.spec, jobArn(spec.jobId), resolved.things);
      return jsonReply(strip({ jobArn: job.jobArn, jobId: spec.jobId, description: spec.description }));
    }),
    r('GET', '/jobs/{jobId}', 'DescribeJob', (c) => {
      const job = jobs.job(jobId(c));
      return jsonReply(strip({ documentSource: job.spec.documentSource, job: jobOut(job) }));
    }),
    r('PUT', '/jobs/{jobId}/cancel', 'CancelJob', (c) => {
      const id = jobId(c);
      const body = parseJsonBody(c);
      const job = jobs.cancel(id, { force: queryBool(c.query, 'force'), reasonCode: str(body, 'reasonCode', J.reasonCode), comment: str(body, 'comment', J.comment) });
      return jsonReply(strip({ jobArn: job.jobArn, jobId: id, description: job.spec.description }));
    }),
    r('GET', '/jobs', 'ListJobs', (c) => {
      const size = queryInt(c.query, 'maxResults', J.listMaxResults.min, J.listMaxResults.max) ?? DEFAULT_PAGE_SIZE;
      const status = statusFilter(c, J.jobStatuses);
      const selection = c.query.get('targetSelection');
      const group = c.query.get('thingGroupName');
      const groupId = c.query.get('thingGroupId');
      const groupArnOf = (name: string) => registry.groupArn(name);
      const byId = groupId === null ? undefined : Object.keys(registry.view().groups).find((g) => registry.group(g).thingGroupId === groupId);
      const all = jobs
        .all()
        .filter((j) => status === undefined || j.status === status)
        .filter((j) => selection === null || j.spec.targetSelection === selection)
        .filter((j) => group === null || j.spec.targets.includes(groupArnOf(group)))
        .filter((j) => groupId === null || (byId !== undefined && j.spec.targets.includes(groupArnOf(byId))))
        .sort((a, b) => b.createdAt - a.createdAt || (a.spec.jobId < b.spec.jobId ? -1 : 1));
      const { page: items, next } = page(all, size, c.query.get('nextToken'));
      return jsonReply({
        jobs: items.map((j) => {
          const firstGroup = j.spec.targets.find((t) => t.startsWith(groupArnOf('')));
          const g = firstGroup && registry.hasGroup(firstGroup.slice(groupArnOf('').length)) ? registry.group(firstGroup.slice(groupArnOf('').length)) : undefined;
          return strip({
            jobArn: j.jobArn,
            jobId: j.spec.jobId,
            thingGroupId: g?.thingGroupId,
            targetSelection: j.spec.targetSelection,
            status: j.status,
            createdAt: seconds(j.createdAt),
            lastUpdatedAt: seconds(j.lastUpdatedAt),
            completedAt: j.completedAt === undefined ? undefined : seconds(j.completedAt),
            isConcurrent: false,
          });
        }),
        nextToken: next,
      });
    }),
    r('GET', '/jobs/{jobId}/things', 'ListJobExecutionsForJob', (c) => {
      const job = jobs.job(jobId(c));
      const size = queryInt(c.query, 'maxResults', J.listMaxResults.min, J.listMaxResults.max) ?? DEFAULT_PAGE_SIZE;
      const status = statusFilter<JobExecutionStatus>(c, J.executionStatuses);
      const all = jobs
        .executionsOf(job.spec.jobId)
        .filter((e) => status === undefined || e.status === status)
        .sort((a, b) => a.executionNumber - b.executionNumber);
      const { page: items, next } = page(all, size, c.query.get('nextToken'));
      return jsonReply({
        executionSummaries: items.map((e) => ({
          thingArn: registry.thingArn(e.thingName),
          jobExecutionSummary: strip({
            status: e.status,
            queuedAt: seconds(e.queuedAt),
            startedAt: e.startedAt === undefined ? undefined : seconds(e.startedAt),
            lastUpdatedAt: seconds(e.lastUpdatedAt),
            executionNumber: e.executionNumber,
            retryAttempt: e.retryAttempt,
          }),
        })),
        nextToken: next,
      });
    }),
    r('GET', '/things/{thingName}/jobs/{jobId}', 'DescribeJobExecution', (c) => {
      const id = jobId(c);
      const name = thingName(c);
      const e = jobs.execution(id, name);
      const n = c.query.get('executionNumber');
      if (n !== null && Number(n) !== e.executionNumber) throw notFound(`Job Execution ${n} for job ${id} on thing ${name} cannot be found.`);
      return jsonReply({ execution: executionOut(e, jobs.job(id)) });
    }),
    r('PUT', '/things/{thingName}/jobs/{jobId}/cancel', 'CancelJobExecution', (c) => {
      const body = parseJsonBody(c);
      const expectedVersion = num(body, 'expectedVersion', {}, { integer: true });
      const details = obj(body, 'statusDetails') && stringMap(body, 'statusDetails', J.detailsKey, { shape: 'DetailsValue', min: 1, max: Number.MAX_SAFE_INTEGER, pattern: /^[^\p{C}]+$/u });
      jobs.cancelExecution(jobId(c), thingName(c), strip({ force: queryBool(c.query, 'force'), expectedVersion, statusDetails: details }));
      return jsonReply({});
    }),
  ];
}
