import { describe, expect, it } from 'vitest';
import { commitMessage } from '../../lib/release/identity';
import type { ExecutionRecord } from '../../local/engine/executions';
import { type CampaignOutcome, checkCampaign } from '../../local/campaign/invariants';
import { generateCampaign } from '../../local/campaign/generate';
import type { TwinCatalog } from '../../local/twin';

/** The checker itself must catch what it claims to: a synthetic outcome per invariant. */
const plan = generateCampaign({ seed: 1, releases: 2, packages: 1, faults: false, rollbacks: 0 });
const token = (n: number) => String(n).repeat(64);
const execution = (version: string, n: number, status = 'SUCCEEDED', error?: string): ExecutionRecord => ({
  name: `pkg-001-${version}-${n}`,
  executionArn: `arn:${n}`,
  status: status as ExecutionRecord['status'],
  error,
  input: {},
  startDate: `2026-01-01T00:00:0${n}.000Z`,
  stopDate: `2026-01-01T00:00:0${n}.500Z`,
  redriveCount: 0,
  states: [{ name: 'Prepare', type: 'Task', status: 'SUCCEEDED', input: {}, retries: 0, output: { packageName: 'pkg-001', versionName: version, clientToken: token(n), artifact: { key: `releases/pkg-001/${version}/words.txt`, version: `s3v${n}` } } }],
});
const contentOf = (version: string) => plan.uploads.find((u) => u.versionName === version)!.content;

/** The two domains of pkg-001-dict each ran `domainRan` in this order. */
function outcome(served: string[], defaultVersion = '1.1.0', executions = [execution('1.0.0', 1), execution('1.1.0', 2)], domainRan = ['v1', 'v2', 'v3']): CampaignOutcome {
  const history = [
    { version: 'v1', commitMessage: null, createdAt: '', source: null },
    { version: 'v2', commitMessage: commitMessage('pkg-001', '1.0.0', token(1)), createdAt: '', source: null },
    { version: 'v3', commitMessage: commitMessage('pkg-001', '1.1.0', token(2)), createdAt: '', source: null },
  ];
  const catalog: TwinCatalog = {
    sboms: {},
    iot: { 'pkg-001': { defaultVersion, versions: { '1.0.0': { status: 'PUBLISHED', artifact: { s3Location: { bucket: 'b', key: 'releases/pkg-001/1.0.0/words.txt', version: 's3v1' } } }, '1.1.0': { status: 'PUBLISHED', artifact: { s3Location: { bucket: 'b', key: 'releases/pkg-001/1.1.0/words.txt', version: 's3v2' } } } } } },
    opensearch: { 'pkg-001-dict': { id: 'F1', status: 'AVAILABLE', availableVersion: served.at(-1)!, history, served: served.map((version) => ({ version, at: '' })) } },
    domains: Object.fromEntries(
      ['pkg-001-search-a', 'pkg-001-search-b'].map((d) => [
        d,
        {
          engineVersion: 'OpenSearch_2.13',
          packages: { 'pkg-001-dict': { id: 'F1', runs: domainRan.at(-1)!, status: 'ACTIVE' } },
          timeline: domainRan.map((version) => ({ package: 'pkg-001-dict', version, commitMessage: history.find((h) => h.version === version)!.commitMessage, activeAt: '' })),
        },
      ]),
    ),
  } as TwinCatalog;
  return { executions, catalog, calls: {}, body: (key) => contentOf(key.split('/')[2]!), iotTokenUses: [], rollbacks: [], heads: {} };
}

describe('campaign invariants', () => {
  it('accept a timeline that only moves forward and ends on the highest release', () => {
    expect(checkCampaign(plan, outcome(['v1', 'v2', 'v3'])).violations).toEqual([]);
  });

  it('flag an older release served after a newer one, even for a moment', () => {
    const summary = checkCampaign(plan, outcome(['v1', 'v3', 'v2', 'v3']));
    expect(summary.regressions).toBe(1);
    expect(summary.violations[0]).toMatch(/^regression: pkg-001-dict served 1\.0\.0 \(v2 at /);
  });

  it('flag a package that does not end on the highest released version', () => {
    expect(checkCampaign(plan, outcome(['v1', 'v2'])).violations).toEqual([expect.stringMatching(/^not the head: pkg-001-dict serves 1\.0\.0, every side must end on 1\.1\.0/)]);
  });

  it('flag a default that is not the newest PUBLISHED version', () => {
    expect(checkCampaign(plan, outcome(['v1', 'v2', 'v3'], '1.0.0')).wrongDefaults).toBe(1);
  });

  it('flag a valid release that did not converge', () => {
    const summary = checkCampaign(plan, outcome(['v1', 'v2', 'v3'], '1.1.0', [execution('1.0.0', 1), execution('1.1.0', 2, 'FAILED', 'OpenSearchNotReady')]));
    expect(summary.stuck).toBe(1);
  });

  it('flag a domain that ran an older release after a newer one, or does not end on the highest', () => {
    const back = checkCampaign(plan, outcome(['v1', 'v2', 'v3'], '1.1.0', undefined, ['v1', 'v3', 'v2', 'v3']));
    expect(back.domainRegressions).toBe(2);
    expect(back.violations[0]).toMatch(/^regression: domain pkg-001-search-a served 1\.0\.0 \(v2 at .*\) after 1\.1\.0/);
    const behind = checkCampaign(plan, outcome(['v1', 'v2', 'v3'], '1.1.0', undefined, ['v1', 'v2']));
    expect(behind.violations).toEqual([expect.stringMatching(/^domain not converged: pkg-001-search-a runs 1\.0\.0/), expect.stringMatching(/^domain not converged: pkg-001-search-b/)]);
  });
});
