import * as z from '../validation/zod';
import { DEFAULT_VERSION_POLICIES } from './default-version-policy';
import { ReleaseSbomSchema } from './sbom/source';

/**
 * The canonical release request: what Prepare returns and every later step reads.
 * All three entry points (S3 drop, CodePipeline manifest, a person) converge on this shape.
 */
export const PinnedArtifactSchema = z.object({
  bucket: z.string().check(z.minLength(1)),
  key: z.string().check(z.minLength(1)),
  /** S3 version id the release is pinned to (absent only for unversioned buckets). */
  version: z.optional(z.string().check(z.minLength(1))),
  /** ETag of the pinned bytes, without quotes. */
  etag: z.string().check(z.minLength(1)),
  /** Size and full-object checksum of the pinned bytes: the release's identity by content. */
  size: z.optional(z.number().check(z.int(), z.nonnegative())),
  checksum: z.optional(z.object({ algorithm: z.string(), value: z.string(), type: z.optional(z.string()) })),
});

export const ReleaseRequestSchema = z.object({
  packageName: z.string(),
  versionName: z.string(),
  artifact: PinnedArtifactSchema,
  description: z.optional(z.string()),
  attributes: z.optional(z.record(z.string(), z.string())),
  tags: z.optional(z.record(z.string(), z.string())),
  recipe: z.optional(z.string()),
  opensearch: z.object({ packageName: z.string() }),
  defaultVersionPolicy: z.enum(DEFAULT_VERSION_POLICIES),
  clientToken: z.string(),
  /** The package's `requireApproval` setting: WaitForApproval before Promote. Absent = no approval. */
  requireApproval: z.optional(z.literal(true)),
  /** The SBOM a manifest or the artifact's metadata names (lib/release/sbom/source.ts); absent: the key convention. */
  sbom: z.optional(ReleaseSbomSchema),
  /** Step Functions execution name, for logs. */
  execution: z.optional(z.string()),
});
export type ReleaseRequest = z.infer<typeof ReleaseRequestSchema>;

/** What each step after Prepare receives: the release request plus earlier steps' results (ignored here). */
export const ReleaseStateSchema = z.looseObject(ReleaseRequestSchema.shape);
export type ReleaseState = z.infer<typeof ReleaseStateSchema>;

/** Drops `undefined` members: Powertools' DynamoDB layer refuses to store them. */
export function withoutUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
