import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalSession } from '../../local/session';
import { executionFor, startSession } from './harness';
import { NEWER, OLDER, olderInFlight, servedReleases, servedTimeline } from './served';

/**
 * The ordering race (docs/ordering.md), made deterministic: an OLDER release's UpdatePackage is held
 * in flight (a twin latency fault on the first es:UpdatePackage) while a NEWER release is uploaded.
 * Without the lease, the newer release's import would start and finish during that delay, and the
 * older UpdatePackage would then land on top of it: the package would go back to older content, for good.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const DELAY_MS = 1500;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('an older release delayed past a newer one', () => {
  it('the package never serves the older content after the newer; it ends on the newer bytes; both releases succeed', async () => {
    session = await startSession({ faults: [{ operation: 'es:UpdatePackage', kind: 'latency', times: 1, latencyMs: DELAY_MS }] });
    const s = session;

    await olderInFlight(s);
    await s.upload(`releases/edge-agent/${NEWER.version}/words.txt`, NEWER.body);
    await s.settled();
    const report = s.report();

    const older = executionFor(s, 'edge-agent', OLDER.version);
    const newer = executionFor(s, 'edge-agent', NEWER.version);
    expect([older.status, newer.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);

    // No regression, not even for a moment: release versions served only ever go up.
    const { releases, regression } = servedReleases(report, 'edge-agent-dict');
    expect(regression).toBeUndefined();
    expect(releases).toContain(NEWER.version);

    // It ends on the newer release's exact bytes.
    const timeline = servedTimeline(report, 'edge-agent-dict');
    expect(timeline.at(-1)).toMatchObject({ release: NEWER.version, sha256: sha256(NEWER.body) });
    expect(report.catalog.opensearch['edge-agent-dict']!.availableVersion).toBe(timeline.at(-1)!.packageVersion);
    expect(report.catalog.iot['edge-agent']!.defaultVersion).toBe(NEWER.version);

    // The newer release waited for the older one's lease instead of updating under it.
    expect(report.executions.find((e) => e.name === newer.name)!.stateStats.UpdateOpenSearch!.errors.OpenSearchPackageLocked).toBeGreaterThan(0);
  });
});
