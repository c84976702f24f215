import { deriveClientToken } from '../release/identity';
import { parseReleaseInput } from '../release/inputs';
import { withoutUndefined } from '../release/request';

/**
 * What an execution's input says about its release: package, version and clientToken, nothing else.
 * Inputs are never echoed: a CodePipeline-style input carries temporary credentials.
 */
export interface ReleaseSummary {
  package?: string;
  version?: string;
  clientToken?: string;
}

/** Longest value taken from an input that did not parse (a broken input can hold anything). */
const MAX_LOOSE_VALUE = 128;

/**
 * Reads an execution input (JSON text): a release request, a manifest or an S3 event, through the
 * same parser as Prepare. An input Prepare rejects still names its package and version when it has
 * them as top-level strings, which is what a person needs to find the release that failed.
 */
export function summariseReleaseInput(input: string | null | undefined): ReleaseSummary {
  if (!input) return {};
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    return {};
  }
  try {
    const draft = parseReleaseInput(value);
    // With a version id the token is what the trigger and Prepare derive; without, Prepare pins it later.
    const clientToken = draft.clientToken ?? (draft.artifact.version ? deriveClientToken(draft.artifact) : undefined);
    return withoutUndefined({ package: draft.packageName, version: draft.versionName, clientToken });
  } catch {
    return looseSummary(value);
  }
}

function looseSummary(value: unknown): ReleaseSummary {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const o = value as Record<string, unknown>;
  return withoutUndefined({
    package: shortString(o.packageName) ?? shortString(o.package),
    version: shortString(o.versionName) ?? shortString(o.version),
    clientToken: shortString(o.clientToken),
  });
}

function shortString(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_LOOSE_VALUE && !/[\p{C}]/u.test(v) ? v : undefined;
}

