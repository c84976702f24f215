/** Job templates (CreateJobTemplate / DescribeJobTemplate): a stored job configuration a CreateJob can name. */
import { IOT_JOBS } from '../../../../lib/release/iot-jobs-constraints';
import { ServiceError, jsonReply, parseJsonBody, type Route } from '../../core/http';
import { check, invalidRequest, notFound, seconds, str, structList } from '../things/input';
import type { Json } from '../../core/validate';
import { parseJobConfig, strip, type JobConfig } from './job-input';
import type { JobStore } from './jobs';

export interface JobTemplate extends JobConfig {
  jobTemplateId: string;
  createdAt: number;
  maintenanceWindows?: { startTime: string; durationInMinutes: number }[];
}

export class JobTemplates {
  private readonly templates = new Map<string, JobTemplate>();
  onChange: () => void = () => {};

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    private readonly jobs: JobStore,
    private readonly now: () => number = Date.now,
  ) {}

  arn(id: string): string {
    return `arn:aws:iot:${this.region}:${this.accountId}:jobtemplate/${id}`;
  }

  /** The template an ARN names; ResourceNotFoundException when there is none. */
  byArn(arn: string): JobTemplate {
    const prefix = this.arn('');
    const template = arn.startsWith(prefix) ? this.templates.get(arn.slice(prefix.length)) : undefined;
    if (!template) throw notFound(`Job template ${arn} cannot be found.`);
    return template;
  }

  routes(): Route[] {
    const id = (params: Record<string, string>) => check(params.jobTemplateId ?? '', IOT_JOBS.jobTemplateId, 'jobTemplateId');
    return [
      {
        method: 'PUT',
        path: '/job-templates/{jobTemplateId}',
        operation: 'CreateJobTemplate',
        handle: (ctx) => {
          const templateId = id(ctx.params);
          const body = parseJsonBody(ctx);
          if (str(body, 'description') === undefined) throw invalidRequest('description is required');
          const jobArn = str(body, 'jobArn');
          const config = parseJobConfig(body);
          const windows = structList(body, 'maintenanceWindows', (w: Json) => ({ startTime: String(w.startTime), durationInMinutes: Number(w.durationInMinutes) }));
          const fromJob = jobArn ? this.jobs.all().find((j) => j.jobArn === jobArn) : undefined;
          if (jobArn && !fromJob) throw notFound(`Job ${jobArn} cannot be found.`);
          // A template made from a job takes the job's configuration (CreateJobTemplate's jobArn).
          const { document, documentSource, presignedUrlConfig, jobExecutionsRolloutConfig, abortConfig, timeoutConfig, jobExecutionsRetryConfig, destinationPackageVersions } = fromJob?.spec ?? {};
          const base: JobConfig = fromJob
            ? strip({ document, documentSource, presignedUrlConfig, jobExecutionsRolloutConfig, abortConfig, timeoutConfig, jobExecutionsRetryConfig, destinationPackageVersions })
            : {};
          const template: JobTemplate = strip({ ...base, ...config, jobTemplateId: templateId, createdAt: this.now(), maintenanceWindows: windows });
          if (template.document === undefined && template.documentSource === undefined) throw invalidRequest('A job template needs a document, a documentSource or a jobArn');
          if (this.templates.has(templateId)) throw new ServiceError(409, 'ConflictException', `Job template ${templateId} already exists`, { resourceId: templateId });
          this.templates.set(templateId, template);
          this.onChange();
          return jsonReply({ jobTemplateArn: this.arn(templateId), jobTemplateId: templateId });
        },
      },
      {
        method: 'GET',
        path: '/job-templates/{jobTemplateId}',
        operation: 'DescribeJobTemplate',
        handle: (ctx) => {
          const templateId = id(ctx.params);
          const t = this.templates.get(templateId);
          if (!t) throw notFound(`Job template ${templateId} cannot be found.`);
          const { jobTemplateId: _id, createdAt, ...config } = t;
          return jsonReply({ jobTemplateArn: this.arn(templateId), jobTemplateId: templateId, ...config, createdAt: seconds(createdAt) });
        },
      },
    ];
  }

  exportState(): JobTemplate[] {
    return [...this.templates.values()];
  }

  importState(state: JobTemplate[]): void {
    this.templates.clear();
    for (const t of state) this.templates.set(t.jobTemplateId, t);
  }
}
