import type { S3Client } from '@aws-sdk/client-s3';
import { pinArtifact } from '../artifact';
import { packageSettings, type PackagesConfig } from '../config';
import { InvalidRelease } from '../errors';
import { deriveClientToken } from '../identity';
import { parseReleaseInput } from '../inputs';
import { ARTIFACT_PREFIXES } from '../key-convention';
import { type ReleaseRequest, withoutUndefined } from '../request';
import { validateNames, validateReleaseFields } from '../validate';

export interface PrepareDeps {
  s3: S3Client;
  config: PackagesConfig;
  /** When set, artifacts must live in this bucket (the stack's artifact bucket). */
  artifactBucket?: string;
}

/** S3 user metadata keys (`x-amz-meta-<name>`) that fill in a release when the request does not. */
export const METADATA_KEYS = { description: 'description', attributes: 'attributes', recipe: 'recipe' } as const;

/**
 * Step 1: any accepted input → the canonical release request. Read-only: it validates, pins the
 * artifact to one S3 object version, reads the object's metadata and derives the clientToken.
 */
export async function prepareRelease(input: unknown, deps: PrepareDeps): Promise<ReleaseRequest> {
  const draft = parseReleaseInput(input);
  validateNames(draft.packageName, draft.versionName);
  const settings = packageSettings(deps.config, draft.packageName);
  const opensearchPackage = draft.opensearchPackage ?? settings.opensearchPackage ?? draft.packageName;

  if (deps.artifactBucket && draft.artifact.bucket !== deps.artifactBucket) {
    throw new InvalidRelease(
      `artifact is in bucket "${draft.artifact.bucket}"; releases read from the stack's artifact bucket "${deps.artifactBucket}"`,
      'artifact.bucket',
    );
  }
  if (deps.artifactBucket && !ARTIFACT_PREFIXES.some((prefix) => draft.artifact.key.startsWith(prefix))) {
    throw new InvalidRelease(
      `artifact key "${draft.artifact.key}" is outside ${ARTIFACT_PREFIXES.join(' and ')}; the pipeline reads artifacts only there (use builds/ for manifest releases)`,
      'artifact.key',
    );
  }
  // Validate what we already know before touching S3: bad names fail with no AWS call at all.
  validateReleaseFields({ ...draft, opensearchPackage });

  const { artifact, metadata } = await pinArtifact(deps.s3, draft.artifact);

  const release: ReleaseRequest = {
    packageName: draft.packageName,
    versionName: draft.versionName,
    artifact,
    description: draft.description ?? metadata[METADATA_KEYS.description] ?? settings.description,
    attributes: draft.attributes ?? parseAttributesMetadata(metadata[METADATA_KEYS.attributes]),
    tags: mergeTags(settings.tags, draft.tags),
    recipe: draft.recipe ?? metadata[METADATA_KEYS.recipe],
    opensearch: { packageName: opensearchPackage },
    defaultVersionPolicy: draft.defaultVersionPolicy ?? settings.defaultVersionPolicy ?? 'if-newer',
    clientToken: draft.clientToken ?? deriveClientToken(artifact),
  };
  validateReleaseFields({ ...release, opensearchPackage });
  return withoutUndefined(release);
}

function parseAttributesMetadata(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidRelease(`object metadata x-amz-meta-${METADATA_KEYS.attributes} must be a JSON object of strings, got ${JSON.stringify(text.slice(0, 60))}`, 'attributes');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new InvalidRelease(`object metadata x-amz-meta-${METADATA_KEYS.attributes} must be a JSON object of strings`, 'attributes');
  }
  return value as Record<string, string>;
}

function mergeTags(base?: Record<string, string>, extra?: Record<string, string>): Record<string, string> | undefined {
  const tags = { ...base, ...extra };
  return Object.keys(tags).length ? tags : undefined;
}

