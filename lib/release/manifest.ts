import * as z from '../validation/zod';
import { DraftArtifactSchema, ReleaseDraftSchema } from './request';
import { SbomRefSchema } from './sbom/source';

/**
 * Release manifest, version 1: what a CodePipeline build (InputType FilePath) or a person hands to
 * the state machine. `schemas/release-manifest.v1.schema.json` is generated from this schema
 * (`npm run docs`) and a test fails when the two drift apart.
 */
export const MANIFEST_VERSION = 1;

/** The draft's field schemas (lib/release/request.ts): the manifest names some of them differently. */
const draft = ReleaseDraftSchema.shape;
const artifact = DraftArtifactSchema.shape;

/** A schema's description, as it appears in the generated JSON Schema. */
const describe = <S extends z.ZodMiniType>(schema: S, description: string): S => schema.check(z.describe(description));

export const ReleaseManifestSchema = describe(
  z.strictObject({
    manifestVersion: describe(z.literal(MANIFEST_VERSION), 'Manifest format version; must be 1.'),
    package: describe(draft.packageName, 'IoT software package name (1-128 chars, [a-zA-Z0-9-_.]).'),
    version: describe(draft.versionName, 'Package version name (1-64 chars, [a-zA-Z0-9-_.]).'),
    artifact: describe(
      z.strictObject({
        bucket: describe(artifact.bucket, 'S3 bucket holding the artifact (the stack\'s artifact bucket).'),
        key: describe(artifact.key, 'S3 object key (not URL-encoded): builds/<package>/<version>/<file> or releases/<package>/<version>/<file>.'),
        versionId: describe(artifact.version, 'S3 version id to release; default: the current version.'),
      }),
      'The artifact to release; pinned to one S3 object version.',
    ),
    description: describe(draft.description, 'Package version description (≤1024 chars, no control characters).'),
    attributes: describe(draft.attributes, 'Package version attributes (≤3 KB in total).'),
    tags: describe(draft.tags, 'Tags for the package version (1-50).'),
    recipe: describe(draft.recipe, 'Inline job document for quick deployments (≤3072 chars).'),
    opensearchPackage: describe(draft.opensearchPackage, 'Must equal the configured OpenSearch package (config/packages.json); a different value is refused.'),
    defaultVersionPolicy: describe(draft.defaultVersionPolicy, 'Must equal the configured policy (config/packages.json); a different value is refused.'),
    sbom: describe(
      z.optional(SbomRefSchema),
      'The SBOM to attach (a zip of SPDX or CycloneDX JSON documents) in the artifact bucket under sboms/, with its S3 versionId or, without one, its newest version; default: the artifact\'s x-amz-meta-sbom, else sboms/<package>/<version>/sbom.zip.',
    ),
    clientToken: describe(draft.clientToken, 'Idempotency token (36-64 non-whitespace chars); default: derived from the artifact.'),
  }),
  'pkgrelease release manifest',
);

export function manifestJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://pkgrelease.dev/schemas/release-manifest.v1.schema.json',
    ...z.toJSONSchema(ReleaseManifestSchema, { target: 'draft-2020-12' }),
  };
}
