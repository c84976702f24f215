/**
 * What CreateJob checks beyond member shapes, against the twin's other state: the job id is new,
 * the template, document source, targets and destination package versions exist, package versions
 * are PUBLISHED or DEPRECATED, and a presigned-URL placeholder comes with a presignedUrlConfig.
 */
import { IOT_JOBS } from '../../../../lib/release/iot-jobs-constraints';
import { alreadyExists, invalidRequest, notFound } from '../things/input';
import type { ThingRegistry } from '../things/registry';
import type { JobSpec } from './job-input';
import type { JobTemplates } from './job-templates';

/** What the catalog says of a package version (the IoT stand-in's view). */
export type PackageVersionLookup = (packageName: string, versionName: string) => { status: string; artifact: unknown } | undefined;
/** Reads an S3 object of the twin (documentSource). */
export type ObjectReader = (bucket: string, key: string) => string | undefined;

/** `${aws:iot:package:<name>:version:<v>:artifact:s3-presigned-url}` and `${aws:iot:s3-presigned-url:<url>}`. */
const PACKAGE_PLACEHOLDER = /\$\{aws:iot:package:([^:}]+):version:([^:}]+):artifact:s3-presigned-url\}/g;
const S3_PLACEHOLDER = /\$\{aws:iot:s3-presigned-url:[^}]+\}/;

export interface CreateJobContext {
  registry: ThingRegistry;
  templates: JobTemplates;
  jobExists: (jobId: string) => boolean;
  jobArn: (jobId: string) => string;
  packageVersion: PackageVersionLookup;
  readObject: ObjectReader;
}

/** Resolves a spec into the stored job (template merged, document read) and the things it targets. */
export function resolveJob(spec: JobSpec, ctx: CreateJobContext): { spec: JobSpec; things: string[] } {
  if (ctx.jobExists(spec.jobId)) throw alreadyExists(`Job ${spec.jobId} already exists`, spec.jobId, ctx.jobArn(spec.jobId));
  let resolved: JobSpec = spec;
  if (spec.jobTemplateArn) {
    const { jobTemplateId: _id, createdAt: _at, maintenanceWindows: _w, ...template } = ctx.templates.byArn(spec.jobTemplateArn);
    resolved = { ...template, ...spec };
    if (spec.document === undefined && spec.documentSource === undefined) {
      resolved = { ...resolved, ...(template.document !== undefined && { document: template.document }), ...(template.documentSource !== undefined && { documentSource: template.documentSource }) };
    }
  }
  const document = resolved.document ?? readSource(resolved.documentSource!, ctx.readObject);
  checkDocument(document, resolved, ctx.packageVersion);
  checkPackageVersions(resolved.destinationPackageVersions ?? [], ctx);
  return { spec: resolved, things: targetThings(resolved.targets, ctx.registry) };
}

function readSource(source: string, read: ObjectReader): string {
  const m = /^https:\/\/(?:s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com\/([^/]+)\/(.+)|([^/.]+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com\/(.+))$/.exec(source);
  if (!m) throw invalidRequest(`documentSource ${source} is not an Amazon S3 object URL (https://s3.<region>.amazonaws.com/<bucket>/<key>)`);
  const [bucket, key] = m[1] ? [m[1], m[2]!] : [m[3]!, m[4]!];
  const body = read(bucket, decodeURIComponent(key));
  if (body === undefined) throw invalidRequest(`documentSource ${source}: the object does not exist`);
  if (body.length > IOT_JOBS.document.max) throw invalidRequest(`The job document at ${source} exceeds ${IOT_JOBS.document.max} characters`);
  return body;
}

function checkDocument(document: string, spec: JobSpec, lookup: PackageVersionLookup): void {
  try {
    const parsed: unknown = JSON.parse(document);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
  } catch {
    throw invalidRequest('The job document must be a JSON object');
  }
  const packageRefs = [...document.matchAll(PACKAGE_PLACEHOLDER)];
  if ((packageRefs.length > 0 || S3_PLACEHOLDER.test(document)) && !spec.presignedUrlConfig?.roleArn) {
    throw invalidRequest('The job document uses an s3-presigned-url placeholder: presignedUrlConfig.roleArn is required');
  }
  for (const [placeholder, p, v] of packageRefs) {
    const version = lookup(p!, v!);
    if (!version) throw invalidRequest(`${placeholder}: package version ${p}/${v} does not exist`);
    if (!version.artifact) throw invalidRequest(`${placeholder}: package version ${p}/${v} has no artifact`);
  }
}

function checkPackageVersions(arns: string[], ctx: CreateJobContext): void {
  const seen = new Set<string>();
  const prefix = ctx.registry.thingArn('').replace(/thing\/$/, 'package/');
  for (const arn of arns) {
    const m = arn.startsWith(prefix) ? /^([^/]+)\/version\/([^/]+)$/.exec(arn.slice(prefix.length)) : null;
    if (!m) throw invalidRequest(`${arn} is not a package version ARN of this account and region (${prefix}<package>/version/<version>)`);
    const [, p, v] = m as unknown as [string, string, string];
    if (seen.has(p)) throw invalidRequest(`destinationPackageVersions names package ${p} more than once`);
    seen.add(p);
    const version = ctx.packageVersion(p, v);
    if (!version) throw notFound(`Package version ${p}/${v} cannot be found.`);
    if (version.status !== 'PUBLISHED' && version.status !== 'DEPRECATED') {
      throw invalidRequest(`Package version ${p}/${v} is ${version.status}; a job deploys only PUBLISHED or DEPRECATED versions`);
    }
  }
}

/** Things a job's targets name: things, and the things of groups (with their child groups). */
function targetThings(targets: string[], registry: ThingRegistry): string[] {
  const things = new Set<string>();
  const thingPrefix = registry.thingArn('');
  const groupPrefix = registry.groupArn('');
  for (const arn of targets) {
    if (arn.startsWith(thingPrefix)) {
      things.add(registry.thing(arn.slice(thingPrefix.length)).thingName);
    } else if (arn.startsWith(groupPrefix)) {
      for (const t of registry.thingsInGroup(arn.slice(groupPrefix.length), true)) things.add(t);
    } else throw invalidRequest(`Target ${arn} is not a thing or thing group ARN of this account and region`);
  }
  return [...things];
}

/** Package versions (`[package, version]`) of a job's destinationPackageVersions. */
export function destinationVersions(spec: JobSpec): [string, string][] {
  return (spec.destinationPackageVersions ?? []).flatMap((arn) => {
    const m = /:package\/([^/]+)\/version\/([^/]+)$/.exec(arn);
    return m ? [[m[1]!, m[2]!] as [string, string]] : [];
  });
}
