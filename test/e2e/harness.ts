import { DeleteItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { PackagesConfig } from '../../lib/release/config';
import { MUTATING_CALLS } from '../../local/campaign/invariants';
import { parseCommitMessage } from '../../lib/release/identity';
import { compareVersions } from '../../lib/release/version-order';
import type { ExecutionRecord } from '../../local/engine/executions';
import { type LocalReport, LocalSession, type LocalSessionOptions } from '../../local/session';

/** Calls that change AWS state (the campaign's list); "converges" means none of these succeed a second time. */
export const MUTATING = MUTATING_CALLS;

export const CONFIG: PackagesConfig = {
  packages: {
    'edge-agent': { opensearchPackage: 'edge-agent-dict' },
    'edge-plugin': { opensearchPackage: 'edge-plugin' },
  },
};

export async function startSession(options: Partial<LocalSessionOptions> = {}): Promise<LocalSession> {
  const session = await LocalSession.start({ config: CONFIG, timeScale: 0.002, opensearchTiming: { copyingMs: 10, validatingMs: 10 }, ...options });
  await session.createOpenSearchPackage('edge-agent-dict', 'TXT-DICTIONARY', 'initial\n');
  return session;
}

export function succeeded(report: LocalReport, call: string): number {
  return report.calls[call]?.succeeded ?? 0;
}

export function mutatingSucceeded(report: LocalReport): Record<string, number> {
  return Object.fromEntries(MUTATING.map((c) => [c, succeeded(report, c)]));
}

export function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}

/** The execution a drop of `key` started (the trigger's deterministic name). */
export function executionFor(session: LocalSession, packageName: string, versionName: string): ExecutionRecord {
  const found = session.engine.list().filter((e) => e.name.startsWith(`${packageName}-${versionName}-`));
  if (found.length !== 1) throw new Error(`expected one execution for ${packageName}@${versionName}, found ${found.length}`);
  return found[0]!;
}

/** Forget every Powertools record, as if the TTL had expired before a redrive or new execution. */
export async function expireIdempotencyRecords(session: LocalSession): Promise<number> {
  const db = new DynamoDBClient({});
  const { Items = [] } = await db.send(new ScanCommand({ TableName: session.twin.idempotencyTable }));
  for (const item of Items) await db.send(new DeleteItemCommand({ TableName: session.twin.idempotencyTable, Key: { id: item.id! } }));
  return Items.length;
}

/** The OpenSearch history commit messages that name a release of this package. */
export function releaseCommits(report: LocalReport, opensearchPackage: string): string[] {
  return (report.catalog.opensearch[opensearchPackage]?.history ?? [])
    .map((h) => h.commitMessage ?? '')
    .filter((m) => m.startsWith('pkgrelease '));
}

/** The commit message of the version OpenSearch currently serves. */
export function availableCommit(report: LocalReport, opensearchPackage: string): string | undefined {
  const pkg = report.catalog.opensearch[opensearchPackage];
  return pkg?.history.find((h) => h.version === pkg.availableVersion)?.commitMessage ?? undefined;
}

/** The release version (from the CommitMessage) a domain runs of an OpenSearch package, if a release wrote it. */
export function domainRelease(report: LocalReport, domain: string, opensearchPackage: string): string | undefined {
  const runs = report.catalog.domains[domain]?.packages[opensearchPackage]?.runs;
  const history = report.catalog.opensearch[opensearchPackage]?.history ?? [];
  return parseCommitMessage(history.find((h) => h.version === runs)?.commitMessage ?? undefined)?.versionName;
}

/** Every release a domain ran of an OpenSearch package, in the order each became ACTIVE (initial content skipped). */
export function domainReleaseTimeline(report: LocalReport, domain: string, opensearchPackage: string): string[] {
  return (report.catalog.domains[domain]?.timeline ?? [])
    .filter((t) => t.package === opensearchPackage)
    .flatMap((t) => parseCommitMessage(t.commitMessage ?? undefined)?.versionName ?? []);
}

/** Domains whose timeline shows an older release becoming ACTIVE after a newer one (the ordering guarantee: none). */
export function domainsThatWentBack(report: LocalReport, opensearchPackage: string): string[] {
  return Object.keys(report.catalog.domains).filter((d) => {
    const ran = domainReleaseTimeline(report, d, opensearchPackage);
    return ran.some((v, i) => i > 0 && compareVersions(v, ran[i - 1]!) < 0);
  });
}
