/**
 * IoT Software Package Catalog request members: parsing plus the model's constraints
 * (lib/release/constraints.ts). Every violation is a ValidationException naming the member.
 */
import { IOT, attributesByteSize } from '../../../lib/release/constraints';
import { optObject, optString, optStringMap, validationError, type Json } from '../core/validate';

export type VersionStatus = (typeof IOT.versionStatuses)[number];

export interface IotArtifact {
  s3Location?: { bucket: string; key: string; version?: string };
}

export function description(body: Json): string | undefined {
  return optString(body, 'description', IOT.description);
}

export function recipe(body: Json): string | undefined {
  return optString(body, 'recipe', IOT.recipe);
}

/** TagMap: 1–50 entries when present, keys and values within their constraints. */
export function tags(body: Json): Record<string, string> | undefined {
  const map = optStringMap(body, 'tags', IOT.tagKey, IOT.tagValue);
  if (map) {
    const n = Object.keys(map).length;
    if (n < IOT.tagCount.min || n > IOT.tagCount.max) {
      throw validationError('tags', `must have between ${IOT.tagCount.min} and ${IOT.tagCount.max} entries (TagMap), got ${n}`);
    }
  }
  return map;
}

/** ResourceAttributes: key / value patterns, and at most 3 KB for all keys and values together. */
export function attributes(body: Json): Record<string, string> | undefined {
  const map = optStringMap(body, 'attributes', IOT.attributeKey, IOT.attributeValue);
  const size = map ? attributesByteSize(map) : 0;
  if (size > IOT.attributesMaxBytes) {
    throw validationError('attributes', `must not exceed ${IOT.attributesMaxBytes} bytes in total (ResourceAttributes), got ${size}`);
  }
  return map;
}

export function artifact(body: Json): IotArtifact | undefined {
  const a = optObject(body, 'artifact');
  if (!a) return undefined;
  const loc = optObject(a, 's3Location', 'artifact.s3Location');
  if (!loc) return {};
  // Assumption: bucket and key are required inside s3Location (the model only says length ≥ 1).
  const bucket = optString(loc, 'bucket', IOT.s3Bucket, 'artifact.s3Location.bucket');
  const key = optString(loc, 'key', IOT.s3Key, 'artifact.s3Location.key');
  if (bucket === undefined) throw validationError('artifact.s3Location.bucket', 'must not be null');
  if (key === undefined) throw validationError('artifact.s3Location.key', 'must not be null');
  const version = optString(loc, 'version', undefined, 'artifact.s3Location.version');
  return { s3Location: version === undefined ? { bucket, key } : { bucket, key, version } };
}
