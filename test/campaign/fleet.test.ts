import { describe, expect, it } from 'vitest';
import { checkDevices, devicesOf, rolloutOf } from '../../local/campaign/fleet';
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
