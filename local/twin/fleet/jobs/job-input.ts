/**
 * CreateJob / CreateJobTemplate members: parsing plus the model's constraints and the documented
 * rules (one document source, rollout limits, one of the rate-increase criteria, retry criteria).
 * Every violation is an InvalidRequestException naming the member.
 */
import { IOT_JOBS, type JobFailureType } from '../../../../lib/release/iot-jobs-constraints';
import { invalidRequest, list, memberError, num, obj, oneOf, reqNum, reqStr, str, stringMap, structList } from '../things/input';
import type { Json } from '../../core/validate';

const J = IOT_JOBS;

export interface RolloutConfig {
  maximumPerMinute?: number;
  exponentialRate?: { baseRatePerMinute: number; incrementFactor: number; rateIncreaseCriteria: { numberOfNotifiedThings?: number; numberOfSucceededThings?: number } };
}
export interface AbortCriteria {
  failureType: JobFailureType;
  action: 'CANCEL';
  thresholdPercentage: number;
  minNumberOfExecutedThings: number;
}
export interface RetryCriteria {
  failureType: 'FAILED' | 'TIMED_OUT' | 'ALL';
  numberOfRetries: number;
}
export interface SchedulingConfig {
  startTime?: string;
  endTime?: string;
  endBehavior?: 'STOP_ROLLOUT' | 'CANCEL' | 'FORCE_CANCEL';
  maintenanceWindows?: { startTime: string; durationInMinutes: number }[];
}

/** What a job (or template) configures, as stored and echoed by Describe*. */
export interface JobConfig {
  description?: string;
  document?: string;
  documentSource?: string;
  presignedUrlConfig?: { roleArn?: string; expiresInSec?: number };
  jobExecutionsRolloutConfig?: RolloutConfig;
  abortConfig?: { criteriaList: AbortCriteria[] };
  timeoutConfig?: { inProgressTimeoutInMinutes?: number };
  jobExecutionsRetryConfig?: { criteriaList: RetryCriteria[] };
  destinationPackageVersions?: string[];
}

export interface JobSpec extends JobConfig {
  jobId: string;
  targets: string[];
  targetSelection: 'CONTINUOUS' | 'SNAPSHOT';
  jobTemplateArn?: string;
  documentParameters?: Record<string, string>;
  schedulingConfig?: SchedulingConfig;
  namespaceId?: string;
  tags?: { Key: string; Value?: string }[];
}

export function parseJobConfig(body: Json): JobConfig {
  const presigned = obj(body, 'presignedUrlConfig');
  const rollout = obj(body, 'jobExecutionsRolloutConfig');
  const abort = obj(body, 'abortConfig');
  const timeout = obj(body, 'timeoutConfig');
  const retry = obj(body, 'jobExecutionsRetryConfig');
  const versions = list(body, 'destinationPackageVersions')?.map((v, i) => {
    if (typeof v !== 'string') throw memberError(`destinationPackageVersions[${i}]`, 'must be a string');
    return v;
  });
  if (versions && versions.length > J.destinationPackageVersionsMax) {
    throw invalidRequest(`destinationPackageVersions holds ${versions.length} package version ARNs; at most ${J.destinationPackageVersionsMax} are allowed`);
  }
  for (const [i, v] of (versions ?? []).entries()) reqStr({ v }, 'v', J.packageVersionArn, `destinationPackageVersions[${i}]`);
  return strip({
    description: str(body, 'description', J.description),
    document: str(body, 'document', J.document),
    documentSource: str(body, 'documentSource', J.documentSource),
    presignedUrlConfig: presigned && strip({
      roleArn: str(presigned, 'roleArn', J.roleArn, 'presignedUrlConfig.roleArn'),
      expiresInSec: num(presigned, 'expiresInSec', J.expiresInSec, { integer: true, path: 'presignedUrlConfig.expiresInSec' }),
    }),
    jobExecutionsRolloutConfig: rollout && rolloutConfig(rollout),
    abortConfig: abort && { criteriaList: requireList(structList(abort, 'criteriaList', abortCriteria, 'abortConfig.criteriaList'), 'abortConfig.criteriaList', 1) },
    timeoutConfig: timeout && strip({ inProgressTimeoutInMinutes: num(timeout, 'inProgressTimeoutInMinutes', J.inProgressTimeoutInMinutes, { integer: true, path: 'timeoutConfig.inProgressTimeoutInMinutes' }) }),
    jobExecutionsRetryConfig: retry && { criteriaList: retryCriteria(retry) },
    destinationPackageVersions: versions,
  });
}

export function parseJobSpec(jobId: string, body: Json): JobSpec {
  const targets = list(body, 'targets');
  if (!targets) throw memberError('targets', 'must not be null');
  if (targets.length < 1) throw memberError('targets', 'must have at least 1 element');
  targets.forEach((t, i) => {
    if (typeof t !== 'string') throw memberError(`targets[${i}]`, 'must be a string');
    reqStr({ t }, 't', J.targetArn, `targets[${i}]`);
  });
  const scheduling = obj(body, 'schedulingConfig');
  const config = parseJobConfig(body);
  const spec: JobSpec = strip({
    jobId,
    targets: [...new Set(targets as string[])],
    targetSelection: oneOf(body, 'targetSelection', J.targetSelections) ?? 'SNAPSHOT',
    jobTemplateArn: str(body, 'jobTemplateArn', J.jobTemplateArn),
    documentParameters: stringMap(body, 'documentParameters', J.parameterKey, J.parameterValue),
    schedulingConfig: scheduling && schedulingConfig(scheduling),
    namespaceId: str(body, 'namespaceId', J.namespaceId),
    tags: structList(body, 'tags', (t, p) => strip({ Key: reqStr(t, 'Key', undefined, `${p}.Key`), Value: str(t, 'Value', undefined, `${p}.Value`) })),
    ...config,
  });
  const sources = [spec.document, spec.documentSource, spec.jobTemplateArn].filter((s) => s !== undefined).length;
  if (spec.jobTemplateArn === undefined && sources === 0) throw invalidRequest('A job needs a document, a documentSource or a jobTemplateArn');
  if (spec.document !== undefined && spec.documentSource !== undefined) throw invalidRequest('Specify either document or documentSource, not both');
  if (spec.documentParameters && spec.jobTemplateArn === undefined) throw invalidRequest('documentParameters can only be used with a jobTemplateArn (a managed template)');
  return spec;
}

function rolloutConfig(rollout: Json): RolloutConfig {
  const exp = obj(rollout, 'exponentialRate', 'jobExecutionsRolloutConfig.exponentialRate');
  const maximumPerMinute = num(rollout, 'maximumPerMinute', J.maximumPerMinute, { integer: true, path: 'jobExecutionsRolloutConfig.maximumPerMinute' });
  if (!exp) return strip({ maximumPerMinute });
  const p = 'jobExecutionsRolloutConfig.exponentialRate';
  const criteria = obj(exp, 'rateIncreaseCriteria', `${p}.rateIncreaseCriteria`);
  if (!criteria) throw memberError(`${p}.rateIncreaseCriteria`, 'must not be null');
  const rateIncreaseCriteria = strip({
    numberOfNotifiedThings: num(criteria, 'numberOfNotifiedThings', { min: 1 }, { integer: true, path: `${p}.rateIncreaseCriteria.numberOfNotifiedThings` }),
    numberOfSucceededThings: num(criteria, 'numberOfSucceededThings', { min: 1 }, { integer: true, path: `${p}.rateIncreaseCriteria.numberOfSucceededThings` }),
  });
  if (Object.keys(rateIncreaseCriteria).length !== 1) throw invalidRequest(`${p}.rateIncreaseCriteria: set exactly one of numberOfNotifiedThings or numberOfSucceededThings`);
  return strip({
    maximumPerMinute,
    exponentialRate: {
      baseRatePerMinute: reqNum(exp, 'baseRatePerMinute', J.baseRatePerMinute, { integer: true, path: `${p}.baseRatePerMinute` }),
      incrementFactor: reqNum(exp, 'incrementFactor', J.incrementFactor, { path: `${p}.incrementFactor` }),
      rateIncreaseCriteria,
    },
  });
}

function abortCriteria(c: Json, p: string): AbortCriteria {
  const threshold = reqNum(c, 'thresholdPercentage', J.thresholdPercentage, { path: `${p}.thresholdPercentage` });
  // "supports up to two digits after the decimal (10.99, not 10.999)"
  if (Math.abs(threshold * 100 - Math.round(threshold * 100)) > 1e-6) {
    throw memberError(`${p}.thresholdPercentage`, 'must have at most two digits after the decimal point');
  }
  const failureType = oneOf(c, 'failureType', J.failureTypes, `${p}.failureType`);
  const action = oneOf(c, 'action', J.abortActions, `${p}.action`);
  if (!failureType) throw memberError(`${p}.failureType`, 'must not be null');
  if (!action) throw memberError(`${p}.action`, 'must not be null');
  return { failureType, action, thresholdPercentage: threshold, minNumberOfExecutedThings: reqNum(c, 'minNumberOfExecutedThings', J.minNumberOfExecutedThings, { integer: true, path: `${p}.minNumberOfExecutedThings` }) };
}

function retryCriteria(retry: Json): RetryCriteria[] {
  const p = 'jobExecutionsRetryConfig.criteriaList';
  const criteria = requireList(
    structList(retry, 'criteriaList', (c, cp) => {
      const failureType = oneOf(c, 'failureType', J.retryableFailureTypes, `${cp}.failureType`);
      if (!failureType) throw memberError(`${cp}.failureType`, 'must not be null');
      return { failureType, numberOfRetries: reqNum(c, 'numberOfRetries', J.numberOfRetries, { integer: true, path: `${cp}.numberOfRetries` }) };
    }, p),
    p,
    J.retryCriteria.min,
  );
  if (criteria.length > J.retryCriteria.max) throw memberError(p, `must have at most ${J.retryCriteria.max} elements`);
  const types = criteria.map((c) => c.failureType);
  if (new Set(types).size !== types.length || (types.includes('ALL') && types.length > 1)) throw invalidRequest(`${p}: each failureType at most once, and ALL alone`);
  return criteria;
}

function schedulingConfig(s: Json): SchedulingConfig {
  const p = 'schedulingConfig';
  const startTime = str(s, 'startTime', J.stringDateTime, `${p}.startTime`);
  const endTime = str(s, 'endTime', J.stringDateTime, `${p}.endTime`);
  for (const [member, value] of [['startTime', startTime], ['endTime', endTime]] as const) {
    if (value !== undefined && Number.isNaN(Date.parse(value))) throw memberError(`${p}.${member}`, "must be a date and time (ISO 8601, yyyy-MM-dd'T'HH:mm)");
  }
  if (startTime && endTime && Date.parse(endTime) <= Date.parse(startTime)) throw invalidRequest(`${p}.endTime must be after ${p}.startTime`);
  const windows = structList(s, 'maintenanceWindows', (w, wp) => ({
    startTime: reqStr(w, 'startTime', J.cron, `${wp}.startTime`),
    durationInMinutes: reqNum(w, 'durationInMinutes', J.maintenanceWindowMinutes, { integer: true, path: `${wp}.durationInMinutes` }),
  }), `${p}.maintenanceWindows`);
  return strip({ startTime, endTime, endBehavior: oneOf(s, 'endBehavior', J.endBehaviors, `${p}.endBehavior`), maintenanceWindows: windows });
}

function requireList<T>(items: T[] | undefined, path: string, min: number): T[] {
  if (!items) throw memberError(path, 'must not be null');
  if (items.length < min) throw memberError(path, `must have at least ${min} element(s)`);
  return items;
}

/** Drops undefined members, so stored and echoed shapes carry only what was given. */
export function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
