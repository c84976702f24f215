import { afterEach, describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../lib/lambda/metrics';
import type { LocalSession } from '../../local/session';
import type { EmfMetric } from '../../local/twin/emf-log';
import { startSession } from './harness';

/** The metrics a release emits (Powertools Metrics, EMF), as the twin keeps the lines the handlers printed. */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const named = (metrics: EmfMetric[], name: string) => metrics.filter((m) => m.name === name);
const total = (metrics: EmfMetric[], name: string, dimensions: Record<string, string> = {}) =>
  named(metrics, name)
    .filter((m) => Object.entries(dimensions).every(([k, v]) => m.dimensions[k] === v))
    .reduce((n, m) => n + m.value, 0);

describe('release metrics on the twin', () => {
  it('a release to one domain: started, its polls and waits, the import and association durations, succeeded with its end-to-end time', async () => {
    session = await startSession({ opensearchTiming: { copyingMs: 40, validatingMs: 40, associatingMs: 80 } });
    await session.createDomain({ name: 'search-a', packages: ['edge-agent-dict'] });
    session.metrics.clear();
    await session.upload('releases/edge-agent/1.0.0/words.txt', 'alpha\n');
    await session.settled();
    const metrics = session.metrics.metrics();

    expect(session.engine.list().map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(total(metrics, 'ReleasesStarted')).toBe(1);
    expect(total(metrics, 'ReleasesSucceeded')).toBe(1);
    expect(total(metrics, 'ReleasesFailed')).toBe(0);
    expect(total(metrics, 'WaitsCompleted', { Wait: 'OpenSearchImport' })).toBe(1);
    expect(total(metrics, 'WaitsCompleted', { Wait: 'DomainAssociation' })).toBe(1);
    // The import took 80 ms and the association 80 ms: each was polled more than once.
    expect(total(metrics, 'Polls', { Wait: 'OpenSearchImport' })).toBeGreaterThan(1);
    expect(total(metrics, 'Polls', { Wait: 'DomainAssociation' })).toBeGreaterThan(1);
    const [imported] = named(metrics, 'OpenSearchImportDuration');
    expect(imported).toMatchObject({ unit: 'Seconds', dimensions: { PackageType: 'TXT-DICTIONARY' } });
    expect(imported!.value).toBeGreaterThanOrEqual(0.06);
    const [associated] = named(metrics, 'DomainAssociationDuration');
    expect(associated!.value).toBeGreaterThanOrEqual(0.07);
    const [e2e] = named(metrics, 'ReleaseDuration');
    expect(e2e).toMatchObject({ unit: 'Seconds', dimensions: { Outcome: 'Succeeded' } });
    expect(e2e!.value).toBeGreaterThanOrEqual(imported!.value + associated!.value);
    expect(total(metrics, 'Redrives')).toBe(0);

    // One namespace; low-cardinality dimensions only; the release's names ride along as metadata.
    for (const m of metrics) {
      expect(m.namespace).toBe(METRICS_NAMESPACE);
      expect(Object.keys(m.dimensions).every((d) => ['service', 'Wait', 'PackageType', 'Outcome', 'ErrorName'].includes(d)), JSON.stringify(m.dimensions)).toBe(true);
      expect(Object.values(m.dimensions)).not.toContain('1.0.0');
      expect(Object.values(m.dimensions)).not.toContain('edge-agent');
      expect(m.metadata).toMatchObject({ packageName: 'edge-agent', versionName: '1.0.0' });
    }
  });

  it('an identical re-upload counts once; a failed release counts by its error name', async () => {
    session = await startSession();
    await session.upload('releases/edge-agent/1.0.0/words.txt', 'alpha\n');
    await session.settled();
    await session.upload('releases/edge-agent/1.0.0/words.txt', 'alpha\n');
    await session.settled();
    await session.upload('releases/edge-agent/1.0.0/words.txt', 'other bytes\n');
    await session.settled();
    const metrics = session.metrics.metrics();

    expect(session.engine.list().map((e) => e.status).sort()).toEqual(['FAILED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(total(metrics, 'IdenticalReuploads')).toBe(1);
    expect(total(metrics, 'ReleasesFailed', { ErrorName: 'VersionConflict' })).toBe(1);
    expect(named(metrics, 'ReleasesFailed').filter((m) => !m.dimensions.ErrorName).map((m) => m.value)).toEqual([1]);
    expect(total(metrics, 'ReleaseDuration', { Outcome: 'Failed' })).toBeGreaterThan(0);
  });
});
