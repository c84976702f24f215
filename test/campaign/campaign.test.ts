import { describe, expect, it } from 'vitest';
import { generateCampaign } from '../../local/campaign/generate';
import { runCampaign } from '../../local/campaign/run';

/**
 * A CI-sized campaign: concurrent releases of several packages with duplicates, identical and
 * conflicting re-uploads, manifests and faults on every operation kind, redriven once the faults are
 * gone; then every invariant of the concurrency guarantee (local/campaign/invariants.ts). The full
 * size (500 releases) runs with `npm run campaign` — see the README.
 */
describe('a campaign of concurrent releases', () => {
  it('converges with no regression past the head, no duplicate version, no wrong default, no-op identical re-uploads, and rollbacks that move the head or nothing', async () => {
    const plan = generateCampaign({ seed: 7, releases: 36, packages: 4, faults: true, rollbacks: 2 });
    const { summary } = await runCampaign(plan);
    expect(summary.violations).toEqual([]);
    // Rollbacks raced releases of the bad, older and newer versions (local/campaign/rollbacks.ts), and some went back.
    expect(summary.rollbacks).toBeGreaterThanOrEqual(2);
    expect(summary.rolledBack).toBeGreaterThanOrEqual(1);
    // The packages rolled back have staged rollouts: their devices were checked too (local/campaign/fleet.ts).
    expect(plan.scenario.devices.length).toBeGreaterThan(0);
    expect(summary.devicesBehind).toBe(0);
    // Their first-wave devices failed: rollouts aborted, checked (local/campaign/fleet.ts checkAborted), then fixed and redriven.
    expect(summary.rolloutsAborted).toBeGreaterThan(0);
    // Invalid and missing SBOMs held their releases in the first wave, and every SBOM of a released version was checked (local/campaign/sboms.ts).
    expect(summary.sbomGated).toBeGreaterThan(0);
    expect(summary.sbomsChecked).toBeGreaterThan(5);
    // An optional SBOM landed after its release's CheckSbom looked and before it published: the released version has it all the same.
    expect(summary.sbomsRaced).toBeGreaterThan(0);
    expect(summary.converged).toBe(summary.expectedToConverge);
    expect(summary.expectedToConverge).toBeGreaterThan(30);
    expect(summary.faults).toBeGreaterThan(0);
  }, 60_000);
});
