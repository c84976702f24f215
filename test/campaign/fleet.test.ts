import { describe, expect, it } from 'vitest';
import { rollbackJobId } from '../../lib/release/rollback/rollout';
import type { ExecutionRecord } from '../../local/engine/executions';
import { checkAborted, checkDevices, checkGroupTimelines, devicesOf, rolloutOf } from '../../local/campaign/fleet';
import { RollbackLedger } from '../../local/campaign/heads';
import type { CampaignPlan } from '../../local/campaign/generate';
import type { FleetView, TwinCatalog } from '../../local/twin';

/** The campaign's device check (local/campaign/fleet.ts): every device of a package with a rollout ends on what every side must end on. */
const plan = { scenario: { packages: { 'pkg-001': { opensearchPackage: 'pkg-001-dict', defaultVersionPolicy: 'if-newer', rollout: rolloutOf('pkg-001') }, 'pkg-002': { opensearchPackage: 'pkg-002-dict', defaultVersionPolicy: 'if-newer' } } } } as unknown as CampaignPlan;
const fleet = (versions: Record<string, number>) => ({ versions: { 'pkg-001': versions } }) as unknown as FleetView;
const devices = devicesOf('pkg-001').reduce((n, g) => n + g.count, 0);

describe('campaign devices', () => {
  it('accept every device on the head; flag one left on the bad version, or devices never handed anything', () => {
    const violations: string[] = [];
    expect(checkDevices(plan, fleet({ '1.0.0': devices }), () => '1.0.0', violations)).toBe(0);
    expect(checkDevices(plan, fleet({ '1.0.0': devices - 1, '1.1.0': 1 }), () => '1.0.0', violations)).toBe(1);
    expect(checkDevices(plan, fleet({}), () => '1.0.0', violations)).toBe(1);
    expect(violations[0]).toMatch(/^devices not converged: 1 of 5 devices of pkg-001 do not report 1\.0\.0/);
  });
});

describe('campaign device groups', () => {
  const TOKEN = 'rollback-token-cccccccccccccccc';
  const rollback = { name: 'rb', status: 'SUCCEEDED', input: { rollbackToken: TOKEN }, states: [{ name: 'ValidateRollback', status: 'SUCCEEDED', output: { packageName: 'pkg-001', rollbackToken: TOKEN, plan: { target: { versionName: '1.0.0' }, head: '1.1.0', above: ['1.1.0'] } } }] } as unknown as ExecutionRecord;
  const ledger = new RollbackLedger([rollback], {});
  const job = (version: string) => ({ status: 'COMPLETED', reasonCode: null, targets: ['arn:aws:iot:us-east-1:000000000000:thinggroup/pkg-001-canary'], packageVersions: [`pkg-001@${version}`], executions: {} });
  const jobs = (entries: [string, string][]) => ({ versions: {}, jobs: Object.fromEntries(entries.map(([id, v]) => [id, job(v)])) }) as unknown as FleetView;
  const check = (entries: [string, string][]) => {
    const violations: string[] = [];
    checkGroupTimelines(plan, jobs(entries), ledger, violations);
    return violations;
  };

  it('accept jobs that only go forward, and a rollback’s job back to its target; flag an older job after a newer one', () => {
    const back = rollbackJobId({ packageName: 'pkg-001', rollbackToken: TOKEN }, '1.0.0');
    expect(check([['a', '1.0.0'], ['b', '1.1.0'], [back, '1.0.0'], ['c', '1.2.0']])).toEqual([]);
    expect(check([['a', '1.1.0'], ['b', '1.0.0']])).toEqual([expect.stringMatching(/^regression: group pkg-001-canary served 1\.0\.0 \(job b/)]);
    expect(check([['a', '1.1.0'], [back, '1.0.0'], ['b', '1.1.0']])).toEqual([expect.stringMatching(/^barred version served: group pkg-001-canary served 1\.1\.0/)]);
  });
});


describe('campaign aborted rollouts', () => {
  const catalog = (status: string, defaultVersion: string | null) => ({ iot: { 'pkg-001': { defaultVersion, versions: { '1.1.0': { status, artifact: null } } } } }) as unknown as TwinCatalog;
  const group = (g: string) => `arn:aws:iot:us-east-1:000000000000:thinggroup/pkg-001-${g}`;
  const fleetOf = (jobs: Record<string, { status: string; group: string }>) =>
    ({ versions: {}, jobs: Object.fromEntries(Object.entries(jobs).map(([id, j]) => [id, { status: j.status, reasonCode: null, targets: [group(j.group)], packageVersions: ['pkg-001@1.1.0'], executions: {} }])) }) as unknown as FleetView;
  const abortedAt = (stage: string, jobId: string) =>
    ({ name: 'r-1.1.0', status: 'FAILED', error: 'RolloutAborted', cause: `rollout stage ${stage} aborted (FAILED): its abort criteria were met; job ${jobId}: 1 failed`, states: [{ name: 'Prepare', status: 'SUCCEEDED', output: { packageName: 'pkg-001', versionName: '1.1.0' } }] }) as unknown as ExecutionRecord;

  it('accept a canary abort that left the version PUBLISHED, not the default, its job ended and no fleet job', () => {
    const result = checkAborted([abortedAt('canary', 'j-canary')], catalog('PUBLISHED', '1.0.0'), fleetOf({ 'j-canary': { status: 'CANCELED', group: 'canary' } }));
    expect(result).toEqual({ aborted: 1, violations: [] });
  });

  it('flag a default moved, a job still running and a later stage started', () => {
    const { violations } = checkAborted(
      [abortedAt('canary', 'j-canary')],
      catalog('PUBLISHED', '1.1.0'),
      fleetOf({ 'j-canary': { status: 'IN_PROGRESS', group: 'canary' }, 'j-fleet': { status: 'IN_PROGRESS', group: 'fleet' } }),
    );
    expect(violations).toEqual([
      expect.stringMatching(/defaults to 1\.1\.0$/),
      expect.stringMatching(/its job j-canary is IN_PROGRESS$/),
      expect.stringMatching(/job j-fleet handed 1\.1\.0 to a later stage's group$/),
    ]);
  });

  it('a fleet abort has no later stage; a version left DRAFT is flagged', () => {
    const { violations } = checkAborted([abortedAt('fleet', 'j-fleet')], catalog('DRAFT', '1.0.0'), fleetOf({ 'j-fleet': { status: 'COMPLETED', group: 'fleet' } }));
    expect(violations).toEqual([expect.stringMatching(/pkg-001 1\.1\.0 is DRAFT$/)]);
  });
});
