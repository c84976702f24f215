import * as z from 'zod';
import { DEFAULT_VERSION_POLICIES } from './config';

/**
 * The canonical release request: what Prepare returns and every later step reads.
 * All three entry points (S3 drop, CodePipeline manifest, a person) converge on this shape.
 */
export const PinnedArtifactSchema = z.object({
  bucket: z.string().min(1),
  key: z.string().min(1),
  /** S3 version id the release is pinned to (absent only for unversioned buckets). */
  version: z.string().min(1).optional(),
  /** ETag of the pinned bytes, without quotes. */
  etag: z.string().min(1),
  /** Size and full-object checksum of the pinned bytes: the release's identity by content. */
  size: z.number().int().nonnegative().optional(),
  checksum: z.object({ algorithm: z.string(), value: z.string(), type: z.string().optional() }).optional(),
});

export const ReleaseRequestSchema = z.object({
  packageName: z.string(),
  versionName: z.string(),
  artifact: PinnedArtifactSchema,
  description: z.string().optional(),
  attributes: z.record(z.string(), z.string()).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  recipe: z.string().optional(),
  opensearch: z.object({ packageName: z.string() }),
  defaultVersionPolicy: z.enum(DEFAULT_VERSION_POLICIES),
  clientToken: z.string(),
  /** The package's `requireApproval` setting: WaitForApproval before Promote. Absent = no approval. */
  requireApproval: z.literal(true).optional(),
  /** Step Functions execution name, for logs. */
  execution: z.string().optional(),
});
export type ReleaseRequest = z.infer<typeof ReleaseRequestSchema>;

/** What each step after Prepare receives: the release request plus earlier steps' results (ignored here). */
export const ReleaseStateSchema = z.looseObject(ReleaseRequestSchema.shape);
export type ReleaseState = z.infer<typeof ReleaseStateSchema>;

/** Drops `undefined` members: Powertools' DynamoDB layer refuses to store them. */
export function withoutUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
