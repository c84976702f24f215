import { afterEach, describe, expect, it } from 'vitest';
import { parseCommitMessage } from '../../lib/release/identity';
import { compareVersions } from '../../lib/release/version-order';
import type { LocalReport, LocalSession } from '../../local/session';
import { executionFor, startSession, succeeded } from './harness';

/**
 * Issue 9 end to end: after the OpenSearch package is AVAILABLE, the release applies it to the
 * package's domains (ApplyToDomains → CheckDomains) through the real ASL, handlers and SDK.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const DOMAINS = ['search-a', 'search-b'];

async function sessionWithDomains(options: Parameters<typeof startSession>[0] = {}): Promise<LocalSession> {
  const s = await startSession(options);
  for (const name of DOMAINS) await s.createDomain({ name, packages: ['edge-agent-dict'] });
  return s;
}

/** The release version each domain runs (from the version's CommitMessage). */
function domainReleases(report: LocalReport): Record<string, string | undefined> {
  const history = report.catalog.opensearch['edge-agent-dict']!.history;
  return Object.fromEntries(
    DOMAINS.map((d) => {
      const runs = report.catalog.domains[d]!.packages['edge-agent-dict']!.runs;
      return [d, parseCommitMessage(history.find((h) => h.version === runs)?.commitMessage ?? undefined)?.versionName];
    }),
  );
}

/** Every release a domain ran, in the order it became ACTIVE (the initial content is skipped). */
function releaseTimeline(report: LocalReport, domain: string): string[] {
  return report.catalog.domains[domain]!.timeline.flatMap((t) => parseCommitMessage(t.commitMessage ?? undefined)?.versionName ?? []);
}

const associations = (report: LocalReport) => (report.calls['es:AssociatePackage']?.succeeded ?? 0) + (report.calls['es:AssociatePackage']?.failed ?? 0);

describe('applying a release to the package\'s domains', () => {
  it('rolls a release out to two domains; each domain\'s outcome is in the execution output', async () => {
    session = await sessionWithDomains();
    await session.upload('releases/edge-agent/1.0.0/words.txt', 'alpha\n');
    await session.settled();
    const report = session.report();
    const execution = executionFor(session, 'edge-agent', '1.0.0');

    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states.map((s) => s.name)).toEqual(expect.arrayContaining(['CheckOpenSearch', 'ApplyToDomains', 'CheckDomains', 'Promote']));
    expect(domainReleases(report)).toEqual({ 'search-a': '1.0.0', 'search-b': '1.0.0' });
    expect((execution.output as { steps: { checkDomains: { domains: unknown[] } } }).steps.checkDomains.domains).toEqual(
      DOMAINS.map((d) => expect.objectContaining({ domainName: d, status: 'ACTIVE', release: '1.0.0', outcome: 'active' })),
    );
    expect(associations(report)).toBe(2);
  });

  it('an ASSOCIATION_FAILED fails the release with DomainAssociationFailed; a redrive after the fault clears completes only the failed domain', async () => {
    session = await sessionWithDomains({ faults: [{ operation: 'es:AssociatePackage', kind: 'associationFailed', times: 1 }] });
    await session.upload('releases/edge-agent/1.0.0/words.txt', 'alpha\n');
    await session.settled();
    const execution = executionFor(session, 'edge-agent', '1.0.0');
    expect([execution.status, execution.error]).toEqual(['FAILED', 'DomainAssociationFailed']);
    expect(execution.cause).toContain('search-a failed to apply package version v2: PACKAGE_ASSOCIATION_FAILED');
    expect(execution.cause).toContain('search-b ACTIVE v2 (1.0.0)'); // the partial rollout is visible
    const failed = session.report();
    expect(domainReleases(failed)).toEqual({ 'search-a': undefined, 'search-b': '1.0.0' });
    expect(failed.catalog.iot['edge-agent']!.versions['1.0.0']!.status).toBe('DRAFT'); // Promote did not run

    session.twin.setFaults([]);
    session.engine.redrive(execution.name);
    await session.settled();
    const report = session.report();
    expect(execution.status).toBe('SUCCEEDED');
    expect(domainReleases(report)).toEqual({ 'search-a': '1.0.0', 'search-b': '1.0.0' });
    expect(associations(report)).toBe(3); // two, then only the failed domain again
    expect(report.catalog.iot['edge-agent']!.defaultVersion).toBe('1.0.0');
  });

  it('two concurrent releases: the domains end on the newer one and never run the older after the newer', async () => {
    session = await sessionWithDomains();
    await Promise.all([
      session.upload('releases/edge-agent/1.10.0/words.txt', 'newer\n'),
      session.upload('releases/edge-agent/1.9.0/words.txt', 'older\n'),
    ]);
    await session.settled();
    const report = session.report();

    expect(report.executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(domainReleases(report)).toEqual({ 'search-a': '1.10.0', 'search-b': '1.10.0' });
    for (const d of DOMAINS) {
      const ran = releaseTimeline(report, d);
      expect(ran.at(-1), d).toBe('1.10.0');
      for (let i = 1; i < ran.length; i++) expect(compareVersions(ran[i]!, ran[i - 1]!), `${d}: ${ran.join(' → ')}`).toBeGreaterThan(0);
    }
  });

  it('a re-run of a finished release makes no association call', async () => {
    session = await sessionWithDomains();
    await session.upload('releases/edge-agent/1.0.0/words.txt', 'alpha\n');
    await session.settled();
    const before = session.report();
    session.start('edge-agent-1.0.0-again', session.engine.list()[0]!.input);
    await session.settled();
    const after = session.report();

    expect(session.engine.get('edge-agent-1.0.0-again')!.status).toBe('SUCCEEDED');
    expect(associations(after)).toBe(associations(before));
    expect(succeeded(after, 'es:ListDomainsForPackage')).toBeGreaterThan(succeeded(before, 'es:ListDomainsForPackage')); // it looked
    expect(after.catalog.domains).toEqual(before.catalog.domains);
  });
});
