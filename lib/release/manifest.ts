import * as z from 'zod';
import { DEFAULT_VERSION_POLICIES } from './config';

/**
 * Release manifest, version 1: what a CodePipeline build (InputType FilePath) or a person hands to
 * the state machine. `schemas/release-manifest.v1.schema.json` is generated from this schema
 * (`npm run docs`) and a test fails when the two drift apart.
 */
export const MANIFEST_VERSION = 1;

export const ReleaseManifestSchema = z
  .strictObject({
    manifestVersion: z.literal(MANIFEST_VERSION).describe('Manifest format version; must be 1.'),
    package: z.string().describe('IoT software package name (1-128 chars, [a-zA-Z0-9-_.]).'),
    version: z.string().describe('Package version name (1-64 chars, [a-zA-Z0-9-_.]).'),
    artifact: z
      .strictObject({
        bucket: z.string().min(1).describe('S3 bucket holding the artifact (the stack\'s artifact bucket).'),
        key: z.string().min(1).describe('S3 object key (not URL-encoded): builds/<package>/<version>/<file> or releases/<package>/<version>/<file>.'),
        versionId: z.string().min(1).optional().describe('S3 version id to release; default: the current version.'),
      })
      .describe('The artifact to release; pinned to one S3 object version.'),
    description: z.string().optional().describe('Package version description (≤1024 chars, no control characters).'),
    attributes: z.record(z.string(), z.string()).optional().describe('Package version attributes (≤3 KB in total).'),
    tags: z.record(z.string(), z.string()).optional().describe('Tags for the package version (1-50).'),
    recipe: z.string().optional().describe('Inline job document for quick deployments (≤3072 chars).'),
    opensearchPackage: z.string().optional().describe('Must equal the configured OpenSearch package (config/packages.json); a different value is refused.'),
    defaultVersionPolicy: z.enum(DEFAULT_VERSION_POLICIES).optional().describe('Must equal the configured policy (config/packages.json); a different value is refused.'),
    clientToken: z.string().optional().describe('Idempotency token (36-64 non-whitespace chars); default: derived from the artifact.'),
  })
  .describe('pkgrelease release manifest');


export function manifestJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://pkgrelease.dev/schemas/release-manifest.v1.schema.json',
    ...z.toJSONSchema(ReleaseManifestSchema, { target: 'draft-2020-12' }),
  };
}
