import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommitMessage } from '../../lib/release/identity';
import { compareVersions } from '../../lib/release/version-order';
import { LOCAL_BUCKET, type LocalReport, type LocalSession } from '../../local/session';
import { executionFor, startSession } from './harness';

/**
 * Issue #8's race, made deterministic: an OLDER release's UpdatePackage is held in flight (a twin
 * latency fault on the first es:UpdatePackage) while a NEWER release is uploaded. Before the lease,
 * the newer release's import started and finished during that delay, and the older UpdatePackage
 * then landed on top of it: the package went back to older content, for good.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const OLDER = { version: '1.0.0', body: 'alpha\nbeta\n' };
const NEWER = { version: '1.1.0', body: 'alpha\nbeta\ngamma\n' };
const DELAY_MS = 1500;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Every content the package started serving, in order: its release (from the commit) and its bytes. */
function servedTimeline(report: LocalReport, opensearchPackage: string): { packageVersion: string; release?: string; sha256?: string }[] {
  const pkg = report.catalog.opensearch[opensearchPackage]!;
  return pkg.served.map(({ version }) => {
    const entry = pkg.history.find((h) => h.version === version);
    return { packageVersion: version, release: parseCommitMessage(entry?.commitMessage ?? undefined)?.versionName, sha256: entry?.source?.sha256 };
  });
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('an older release delayed past a newer one', () => {
  it('the package never serves the older content after the newer; it ends on the newer bytes; both releases succeed', async () => {
    session = await startSession({ faults: [{ operation: 'es:UpdatePackage', kind: 'latency', times: 1, latencyMs: DELAY_MS }] });
    const s = session;

    await s.upload(`releases/edge-agent/${OLDER.version}/words.txt`, OLDER.body);
    // The older release has staged its bytes: its (delayed) UpdatePackage is next.
    await until(() => s.twin.s3.listObjects(LOCAL_BUCKET, `staging/edge-agent/${OLDER.version}/`).length === 1, 'the older release to stage its artifact');
    await new Promise((r) => setTimeout(r, 100));
    await s.upload(`releases/edge-agent/${NEWER.version}/words.txt`, NEWER.body);
    await s.settled();
    const report = s.report();

    const older = executionFor(s, 'edge-agent', OLDER.version);
    const newer = executionFor(s, 'edge-agent', NEWER.version);
    expect([older.status, newer.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);

    // No regression, not even for a moment: release versions served only ever go up.
    const timeline = servedTimeline(report, 'edge-agent-dict');
    const releases = timeline.flatMap((t) => (t.release ? [t.release] : []));
    expect(releases).toContain(NEWER.version);
    for (let i = 1; i < releases.length; i++) expect(compareVersions(releases[i]!, releases[i - 1]!), `served ${releases.join(' → ')}`).toBeGreaterThanOrEqual(0);

    // It ends on the newer release's exact bytes.
    expect(timeline.at(-1)).toMatchObject({ release: NEWER.version, sha256: sha256(NEWER.body) });
    expect(report.catalog.opensearch['edge-agent-dict']!.availableVersion).toBe(timeline.at(-1)!.packageVersion);
    expect(report.catalog.iot['edge-agent']!.defaultVersion).toBe(NEWER.version);

    // The newer release waited for the older one's lease instead of updating under it.
    expect(report.executions.find((e) => e.name === newer.name)!.stateStats.UpdateOpenSearch!.errors.OpenSearchPackageLocked).toBeGreaterThan(0);
  });
});
