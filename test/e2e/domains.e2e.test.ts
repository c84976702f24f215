import { afterEach, describe, expect, it } from 'vitest';
import type { LocalReport, LocalSession } from '../../local/session';
import { domainRelease, domainReleaseTimeline, domainsThatWentBack, executionFor, expireIdempotencyRecords, startSession, succeeded } from './harness';

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

/** The release version each domain runs. */
const domainReleases = (report: LocalReport) => Object.fromEntries(DOMAINS.map((d) => [d, domainRelease(report, d, 'edge-agent-dict')]));

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

  /** Release 1.0.0 of edge-agent to one domain, search-only, and wait for it (closed after the test). */
  async function releaseToOneDomain(): Promise<LocalSession> {
    const live = await startSession();
    session = live;
    await live.createDomain({ name: 'search-only', packages: ['edge-agent-dict'] });
    await live.upload('releases/edge-agent/1.0.0/words.txt', 'alpha\n');
    await live.settled();
    return live;
  }

  it('ApplyToDomains reads no package type of its own: DescribePackages = UpdateOpenSearch\'s look + one per CheckOpenSearch poll', async () => {
    const live = await releaseToOneDomain();
    const report = live.report();
    const [execution] = report.executions;
    expect(execution!.status).toBe('SUCCEEDED');
    expect(execution!.states).toEqual(expect.arrayContaining(['ApplyToDomains', 'CheckDomains']));
    expect(domainRelease(report, 'search-only', 'edge-agent-dict')).toBe('1.0.0');
    // One release, one domain, no faults, no other holder of the lease:
    // - UpdateOpenSearch looks at the package once (DescribePackages by name) and carries its type on;
    // - each CheckOpenSearch attempt (the first and every OpenSearchNotReady poll) is one DescribePackages by ID;
    // - ApplyToDomains takes the type from CheckOpenSearch's result (before: one more DescribePackages).
    // Setup (CreatePackage, the domain) reads none.
    const checkOpenSearchAttempts = 1 + execution!.stateStats.CheckOpenSearch!.retries;
    expect(succeeded(report, 'es:DescribePackages')).toBe(1 + checkOpenSearchAttempts);
    expect(report.calls['es:DescribePackages']?.failed ?? 0).toBe(0);
  });

  it('a result that UpdateOpenSearch already settled (served) passes its package type through CheckOpenSearch to ApplyToDomains', async () => {
    const live = await releaseToOneDomain();
    const before = live.report();
    expect(await expireIdempotencyRecords(live)).toBeGreaterThan(0);
    live.start('edge-agent-1.0.0-again', live.engine.list()[0]!.input);
    await live.settled();
    expect(live.engine.get('edge-agent-1.0.0-again')!.status).toBe('SUCCEEDED');
    // UpdateOpenSearch looks (one DescribePackages) and finds the release served; CheckOpenSearch
    // returns that result as it is (no call) and ApplyToDomains takes the type from it (no call).
    expect(succeeded(live.report(), 'es:DescribePackages') - succeeded(before, 'es:DescribePackages')).toBe(1);
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
    for (const d of DOMAINS) expect(domainReleaseTimeline(report, d, 'edge-agent-dict').at(-1), d).toBe('1.10.0');
    expect(domainsThatWentBack(report, 'edge-agent-dict')).toEqual([]);
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

describe('the ordering check itself', () => {
  it('flags a domain whose timeline goes from a newer release back to an older one', () => {
    const commit = (v: string) => `pkgrelease v=${v} t=0123456789abcdef p=edge-agent`;
    const report = {
      catalog: {
        opensearch: {},
        domains: {
          good: { timeline: [{ package: 'dict', version: 'v2', commitMessage: commit('1.9.0') }, { package: 'dict', version: 'v3', commitMessage: commit('1.10.0') }] },
          bad: { timeline: [{ package: 'dict', version: 'v3', commitMessage: commit('1.10.0') }, { package: 'dict', version: 'v2', commitMessage: commit('1.9.0') }] },
        },
      },
    } as unknown as LocalReport;
    expect(domainsThatWentBack(report, 'dict')).toEqual(['bad']);
  });
});
