import * as z from '../validation/zod';
import { InvalidRelease } from './errors';
import { decodeEventKey, parseReleaseKey } from './key-convention';
import { ReleaseManifestSchema } from './manifest';
import { type ReleaseDraft, ReleaseRequestInputSchema } from './request';

/**
 * Everything Prepare accepts, turned into one unpinned draft (lib/release/request.ts). Which shape an
 * input has is decided by a marker field, so the error for a malformed input names the field of the
 * shape the caller meant.
 */

/**
 * The S3 event members a release uses, and nothing else: the full Powertools schemas also check
 * members we never read (e.g. `source-ip-address`, which they reject for IPv6 callers), and an
 * event that fails there is lost to the dead-letter queue for a reason that does not matter.
 */
const S3_OBJECT_CREATED = 'Object Created';
export const S3ObjectCreatedEventSchema = z.looseObject({
  source: z.literal('aws.s3'),
  'detail-type': z.literal(S3_OBJECT_CREATED),
  detail: z.looseObject({
    bucket: z.looseObject({ name: z.string().check(z.minLength(1)) }),
    object: z.looseObject({ key: z.string().check(z.minLength(1)), 'version-id': z.optional(z.string().check(z.minLength(1))), etag: z.optional(z.string().check(z.minLength(1))) }),
  }),
});
const S3NotificationSchema = z.looseObject({
  Records: z.array(
    z.looseObject({
      eventSource: z.literal('aws:s3'),
      eventName: z.string().check(z.startsWith('ObjectCreated:')),
      s3: z.looseObject({
        bucket: z.looseObject({ name: z.string().check(z.minLength(1)) }),
        object: z.looseObject({ key: z.string().check(z.minLength(1)), versionId: z.optional(z.string().check(z.minLength(1))), eTag: z.optional(z.string().check(z.minLength(1))) }),
      }),
    }),
  ),
});

export function parseReleaseInput(input: unknown): ReleaseDraft {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidRelease('input must be a JSON object: a release request, a release manifest or an S3 event');
  }
  const o = input as Record<string, unknown>;
  if ('Records' in o) return fromS3Notification(parse(S3NotificationSchema, input, 'S3 event'));
  if ('detail-type' in o) return fromEventBridge(parse(S3ObjectCreatedEventSchema, input, 'S3 EventBridge event'));
  if ('manifestVersion' in o) {
    const m = parse(ReleaseManifestSchema, input, 'manifest');
    return {
      source: 'manifest',
      packageName: m.package,
      versionName: m.version,
      artifact: { bucket: m.artifact.bucket, key: m.artifact.key, version: m.artifact.versionId },
      description: m.description,
      attributes: m.attributes,
      tags: m.tags,
      recipe: m.recipe,
      opensearchPackage: m.opensearchPackage,
      defaultVersionPolicy: m.defaultVersionPolicy,
      clientToken: m.clientToken,
      sbom: m.sbom && { ...m.sbom, from: 'manifest' },
    };
  }
  const r = parse(ReleaseRequestInputSchema, input, 'release request');
  const { opensearch, execution: _execution, requireApproval: _requireApproval, ...rest } = r;
  return { source: 'request', ...rest, opensearchPackage: r.opensearchPackage ?? opensearch?.packageName };
}

function fromS3Notification(event: z.infer<typeof S3NotificationSchema>): ReleaseDraft {
  if (event.Records.length !== 1) {
    throw new InvalidRelease(`an S3 event must carry exactly one record, got ${event.Records.length}; start one release per object`, 'Records');
  }
  const { bucket, object } = event.Records[0]!.s3;
  return fromObject(bucket.name, decodeEventKey(object.key), object.versionId, object.eTag);
}

function fromEventBridge(event: z.infer<typeof S3ObjectCreatedEventSchema>): ReleaseDraft {
  const { bucket, object } = event.detail;
  return fromObject(bucket.name, decodeEventKey(object.key), object['version-id'], object.etag);
}

function fromObject(bucket: string, key: string, version?: string, etag?: string): ReleaseDraft {
  const { packageName, versionName } = parseReleaseKey(key);
  return { source: 's3-event', packageName, versionName, artifact: { bucket, key, version, etag } };
}

function parse<S extends z.ZodMiniType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || undefined;
  throw new InvalidRelease(`invalid ${what}: ${issue.message}`, field);
}
