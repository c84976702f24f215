import * as z from '../validation/zod';
import { DEFAULT_VERSION_POLICIES } from './default-version-policy';
import { SbomRefSchema } from './sbom/source';

/**
 * Release manifest, version 1: what a CodePipeline build (InputType FilePath) or a person hands to
 * the state machine. `schemas/release-manifest.v1.schema.json` is generated from this schema
 * (`npm run docs`) and a test fails when the two drift apart.
 */
export const MANIFEST_VERSION = 1;

/** A schema's description, as it appears in the generated JSON Schema. */
const describe = <S extends z.ZodMiniType>(schema: S, description: string): S => schema.check(z.describe(description));

export const ReleaseManifestSchema = describe(
  z.strictObject({
    manifestVersion: describe(z.literal(MANIFEST_VERSION), 'Manifest format version; must be 1.'),
    package: describe(z.string(), 'IoT software package name (1-128 chars, [a-zA-Z0-9-_.]).'),
    version: describe(z.string(), 'Package version name (1-64 chars, [a-zA-Z0-9-_.]).'),
    artifact: describe(
      z.strictObject({
        bucket: describe(z.string().check(z.minLength(1)), 'S3 bucket holding the artifact (the stack\'s artifact bucket).'),
        key: describe(z.string().check(z.minLength(1)), 'S3 object key (not URL-encoded): builds/<package>/<version>/<file> or releases/<package>/<version>/<file>.'),
        versionId: describe(z.optional(z.string().check(z.minLength(1))), 'S3 version id to release; default: the current version.'),
      }),
      'The artifact to release; pinned to one S3 object version.',
    ),
    description: describe(z.optional(z.string()), 'Package version description (≤1024 chars, no control characters).'),
    attributes: describe(z.optional(z.record(z.string(), z.string())), 'Package version attributes (≤3 KB in total).'),
    tags: describe(z.optional(z.record(z.string(), z.string())), 'Tags for the package version (1-50).'),
    recipe: describe(z.optional(z.string()), 'Inline job document for quick deployments (≤3072 chars).'),
    opensearchPackage: describe(z.optional(z.string()), 'Must equal the configured OpenSearch package (config/packages.json); a different value is refused.'),
    defaultVersionPolicy: describe(z.optional(z.enum(DEFAULT_VERSION_POLICIES)), 'Must equal the configured policy (config/packages.json); a different value is refused.'),
    sbom: describe(
      z.optional(SbomRefSchema),
      'The SBOM to attach (a zip of SPDX or CycloneDX JSON documents) in the artifact bucket under sboms/, with its S3 versionId or, without one, its newest version; default: the artifact\'s x-amz-meta-sbom, else sboms/<package>/<version>/sbom.zip.',
    ),
    clientToken: describe(z.optional(z.string()), 'Idempotency token (36-64 non-whitespace chars); default: derived from the artifact.'),
  }),
  'pkgrelease release manifest',
);

export function manifestJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://pkgrelease.dev/schemas/release-manifest.v1.schema.json',
    ...z.toJSONSchema(ReleaseManifestSchema, { target: 'draft-2020-12' }),
  };
}
