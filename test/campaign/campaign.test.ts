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
  it('converges with no regression, no duplicate version, no wrong default, and no-op identical re-uploads', async () => {
    const plan = generateCampaign({ seed: 7, releases: 36, packages: 4, faults: true });
    const { summary } = await runCampaign(plan);
    expect(summary.violations).toEqual([]);
    expect(summary.converged).toBe(summary.expectedToConverge);
    expect(summary.expectedToConverge).toBeGreaterThan(30);
    expect(summary.faults).toBeGreaterThan(0);
  }, 60_000);
});
