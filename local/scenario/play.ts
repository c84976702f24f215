import type { LocalSession, UploadOptions } from '../session';
import type { OpenSearchPackageType } from '../session/opensearch-setup';

/**
 * Plays a scenario on a session: `local run` and the campaign. First what exists before any release
 * (OpenSearch packages, domains running them), then every upload and manifest start at its offset,
 * all at once. A manifest whose artifact is one of the uploads starts only once that upload has
 * landed, as CodePipeline hands over only what its build wrote: on a slow machine the offset alone
 * would start it before the artifact exists.
 */
export interface ScenarioSetUp {
  opensearchPackages: { name: string; type: OpenSearchPackageType; content: string; engineVersion?: string }[];
  domains?: { name: string; engineVersion?: string; packages?: string[] }[];
}

export interface TimedUpload extends UploadOptions {
  key: string;
  body: string | Buffer;
  startAtMs: number;
}

export interface TimedStart {
  executionName: string;
  startAtMs: number;
  /** The execution input (CodePipeline's Step Functions action passes the manifest as it is). */
  manifest: unknown;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function setUpScenario(session: LocalSession, setUp: ScenarioSetUp): Promise<void> {
  for (const p of setUp.opensearchPackages) await session.createOpenSearchPackage(p.name, p.type, p.content, p.engineVersion);
  for (const d of setUp.domains ?? []) await session.createDomain(d);
}

/** Every upload and start at its offset; returns once every execution has ended. */
export async function playScenario(session: LocalSession, uploads: readonly TimedUpload[], starts: readonly TimedStart[]): Promise<void> {
  const landed = new Map<string, Promise<unknown>>();
  const uploading = uploads.map((u) => {
    const { key, body, startAtMs, ...options } = u;
    const upload = sleep(startAtMs).then(() => session.upload(key, body, options));
    if (!landed.has(key)) landed.set(key, upload);
    return upload;
  });
  const starting = starts.map(async (s) => {
    await Promise.all([sleep(s.startAtMs), landed.get(artifactKeyOf(s.manifest))]);
    session.start(s.executionName, s.manifest);
  });
  await Promise.all([...uploading, ...starting]);
  await session.settled();
}

function artifactKeyOf(manifest: unknown): string {
  const key = (manifest as { artifact?: { key?: unknown } } | null)?.artifact?.key;
  return typeof key === 'string' ? key : '';
}
