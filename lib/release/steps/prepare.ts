import type { S3Client } from '@aws-sdk/client-s3';
import { pinArtifact } from '../artifact';
import { admitDraft, type AdmitDeps } from '../admit';
import type { PackageSettings } from '../config';
import { InvalidRelease } from '../errors';
import { deriveClientToken } from '../identity';
import { parseReleaseInput } from '../inputs';
import { type ReleaseRequest, withoutUndefined } from '../request';
import { sbomRefOf } from '../sbom/source';
import { validateReleaseFields } from '../validate';
import { checkRolloutFits } from '../rollout/fit';
import { rolloutPlan } from '../rollout/state';

export interface PrepareDeps extends AdmitDeps {
  s3: S3Client;
}

/** S3 user metadata keys (`x-amz-meta-<name>`) that fill in a release when the request does not. */
export const METADATA_KEYS = { description: 'description', attributes: 'attributes', recipe: 'recipe' } as const;

/**
 * Step 1: any accepted input → the canonical release request. Read-only: it validates, pins the
 * artifact to one S3 object version, reads the object's metadata and derives the clientToken.
 */
export async function prepareRelease(input: unknown, deps: PrepareDeps): Promise<ReleaseRequest> {
  const draft = parseReleaseInput(input);
  // Validate what we already know before touching S3: bad input fails with no AWS call at all.
  const { settings, opensearchPackage, defaultVersionPolicy } = admitDraft(draft, deps);
  checkRecipeFromRelease(draft, settings);

  const { artifact, metadata } = await pinArtifact(deps.s3, draft.artifact);

  const release: ReleaseRequest = {
    packageName: draft.packageName,
    versionName: draft.versionName,
    artifact,
    description: draft.description ?? metadata[METADATA_KEYS.description] ?? settings.description,
    attributes: draft.attributes ?? parseAttributesMetadata(metadata[METADATA_KEYS.attributes]),
    tags: mergeTags(settings.tags, draft.tags),
    recipe: draft.recipe ?? recipeFromMetadata(metadata, draft.packageName, settings),
    opensearch: { packageName: opensearchPackage },
    defaultVersionPolicy,
    clientToken: draft.clientToken ?? deriveClientToken(artifact),
    // From configuration only, like the OpenSearch package: a request cannot skip the approval.
    requireApproval: settings.requireApproval ? true : undefined,
    rollout: rolloutPlan(settings.rollout),
    sbom: sbomRefOf(draft.sbom, metadata),
  };
  validateReleaseFields({ ...release, opensearchPackage });
  checkRolloutFits(release, settings.rollout);
  return withoutUndefined(release);
}

/**
 * The recipe is the job document devices run: what it says runs on the fleet. Whoever may start an
 * execution could set it in a manifest or request, and whoever may upload through object metadata,
 * so each source is allowed only for packages that opt in to it (`allowRecipeFromManifest`,
 * `allowRecipeFromMetadata`), as the OpenSearch package and the default version policy are
 * configuration only. Checked before any AWS call.
 */
function checkRecipeFromRelease(draft: { source: string; packageName: string; recipe?: string }, settings: PackageSettings): void {
  if (draft.recipe === undefined || settings.allowRecipeFromManifest) return;
  throw new InvalidRelease(
    `a ${draft.source === 'manifest' ? 'release manifest' : 'release request'} may not set "recipe" (the job document devices run) for package "${draft.packageName}"; ` +
      'leave it out, or set "allowRecipeFromManifest": true for the package in config/packages.json',
    'recipe',
  );
}

function recipeFromMetadata(metadata: Record<string, string>, packageName: string, settings: PackageSettings): string | undefined {
  const recipe = metadata[METADATA_KEYS.recipe];
  if (recipe === undefined || settings.allowRecipeFromMetadata) return recipe;
  throw new InvalidRelease(
    `object metadata x-amz-meta-${METADATA_KEYS.recipe} is not allowed for package "${packageName}"; ` +
      'leave it out, or set "allowRecipeFromMetadata": true for the package in config/packages.json (or "allowRecipeFromManifest" and give it in a release manifest)',
    'recipe',
  );
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

/**
 * Configured tags are the reviewed ones: a request may add keys, or repeat a configured value, but
 * not change it (as for opensearchPackage and defaultVersionPolicy).
 */
function mergeTags(configured?: Record<string, string>, requested?: Record<string, string>): Record<string, string> | undefined {
  for (const [key, value] of Object.entries(requested ?? {})) {
    if (configured && Object.hasOwn(configured, key) && configured[key] !== value) {
      throw new InvalidRelease(
        `tag "${key}" is set to "${configured[key]}" in config/packages.json and cannot be changed by a request ("${value}"); drop it from the request or change the configuration`,
        'tags',
      );
    }
  }
  const tags = { ...requested, ...configured };
  return Object.keys(tags).length ? tags : undefined;
}

