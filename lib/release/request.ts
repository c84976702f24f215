import * as z from '../validation/zod';
import { DEFAULT_VERSION_POLICIES } from './default-version-policy';
import { RolloutStateSchema } from './rollout/state';
import { ReleaseSbomSchema } from './sbom/source';

/**
 * The one release schema. Every shape a release takes is derived from the draft's fields:
 *   - the draft: any accepted input (S3 event, manifest, request), unpinned (lib/release/inputs.ts);
 *   - the triggered request: what the trigger hands to the state machine (names, artifact, token);
 *   - the canonical request: what Prepare returns once validated and pinned, and every later step reads.
 * The manifest (lib/release/manifest.ts) names some fields differently and takes their schemas from here.
 */
const nonEmpty = z.string().check(z.minLength(1));

/** Where the artifact is, as the caller names it: a version id and ETag are optional until pinned. */
export const DraftArtifactSchema = z.strictObject({
  bucket: nonEmpty,
  key: nonEmpty,
  /** S3 version id the release is pinned to (absent only for unversioned buckets). */
  version: z.optional(nonEmpty),
  /** ETag of the bytes, without quotes. */
  etag: z.optional(nonEmpty),
});

export const ReleaseDraftSchema = z.strictObject({
  packageName: z.string(),
  versionName: z.string(),
  artifact: DraftArtifactSchema,
  description: z.optional(z.string()),
  attributes: z.optional(z.record(z.string(), z.string())),
  tags: z.optional(z.record(z.string(), z.string())),
  recipe: z.optional(z.string()),
  /** Must equal the configured one when given: configuration decides (lib/release/admit.ts). */
  opensearchPackage: z.optional(z.string()),
  defaultVersionPolicy: z.optional(z.enum(DEFAULT_VERSION_POLICIES)),
  clientToken: z.optional(z.string()),
  /** The SBOM a manifest or the artifact's metadata names (lib/release/sbom/source.ts); absent: the key convention. */
  sbom: z.optional(ReleaseSbomSchema),
});
/** Which kind of input a draft came from: S3 events are mapped by the key convention, the others name their key. */
export type ReleaseDraft = z.infer<typeof ReleaseDraftSchema> & { source: 's3-event' | 'manifest' | 'request' };

/** The request the trigger hands to the state machine: Prepare completes and validates it. */
export const TriggeredRequestSchema = z.extend(z.pick(ReleaseDraftSchema, { packageName: true, versionName: true, artifact: true }), {
  clientToken: z.string(),
});
export type TriggeredRequest = z.infer<typeof TriggeredRequestSchema>;

const draft = ReleaseDraftSchema.shape;

/** The pinned artifact: one S3 object version, with the identity of its bytes. */
export const PinnedArtifactSchema = z.object({
  bucket: nonEmpty,
  key: nonEmpty,
  version: DraftArtifactSchema.shape.version,
  etag: nonEmpty,
  /** Size and full-object checksum of the pinned bytes: the release's identity by content. */
  size: z.optional(z.number().check(z.int(), z.nonnegative())),
  checksum: z.optional(z.object({ algorithm: z.string(), value: z.string(), type: z.optional(z.string()) })),
});

/** The canonical release request: what Prepare returns and every later step reads. */
export const ReleaseRequestSchema = z.object({
  packageName: draft.packageName,
  versionName: draft.versionName,
  artifact: PinnedArtifactSchema,
  description: draft.description,
  attributes: draft.attributes,
  tags: draft.tags,
  recipe: draft.recipe,
  opensearch: z.object({ packageName: z.string() }),
  defaultVersionPolicy: z.enum(DEFAULT_VERSION_POLICIES),
  clientToken: z.string(),
  /** The package's `requireApproval` setting: WaitForApproval before Promote. Absent = no approval. */
  requireApproval: z.optional(z.literal(true)),
  /** The package's staged rollout after Promote (its stage names; the steps add their progress). Absent = none. */
  rollout: z.optional(RolloutStateSchema),
  sbom: draft.sbom,
  /** Step Functions execution name, for logs. */
  execution: z.optional(z.string()),
});
export type ReleaseRequest = z.infer<typeof ReleaseRequestSchema>;

/** A release request written by hand or by the trigger: a draft, and the canonical members are accepted too. */
export const ReleaseRequestInputSchema = z.extend(ReleaseDraftSchema, {
  opensearch: z.optional(z.strictObject({ packageName: z.string() })),
  execution: z.optional(z.string()),
  /** Accepted in a canonical request, never obeyed: configuration decides (requireApproval). */
  requireApproval: z.optional(z.boolean()),
});

/** What each step after Prepare receives: the release request plus earlier steps' results (ignored here). */
export const ReleaseStateSchema = z.looseObject(ReleaseRequestSchema.shape);
export type ReleaseState = z.infer<typeof ReleaseStateSchema>;

/** Drops `undefined` members: Powertools' DynamoDB layer refuses to store them. */
export function withoutUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
