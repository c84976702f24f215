import { describe, expect, it } from 'vitest';
import { rollbackJobId } from '../../lib/release/rollback/rollout';
import type { ExecutionRecord } from '../../local/engine/executions';
import { checkDevices, checkGroupTimelines, devicesOf, rolloutOf } from '../../local/campaign/fleet';
import { RollbackLedger } from '../../local/campaign/heads';
import type { CampaignPlan } from '../../local/campaign/generate';
import type { FleetView } from '../../local/twin';

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

