import { afterEach, describe, expect, it } from 'vitest';
import type { RolloutSettings } from '../../lib/release/rollout/settings';
import { compareVersions } from '../../lib/release/version-order';
import type { LocalSession } from '../../local/session';
import type { DeviceGroupSpec } from '../../local/twin';
import { executionFor, startSession } from './harness';
import { prepareAccount, versionSpread, withRollout } from './rollout-harness';

/**
 * Two releases' rollouts racing on the same thing groups: the newer supersedes the older (its job
 * canceled, or its next stage never started), no group is handed the older version after the
 * newer, and every device ends on the newer version.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const ROLLOUT: RolloutSettings = {
  stages: [
    { name: 'canary', targets: ['canary'] },
    { name: 'fleet', targets: ['fleet'] },
  ],
  jobDocument: { document: { version: '1.0', steps: [] } },
};
const devices = (canarySeconds: number, fleetSeconds: number): DeviceGroupSpec[] => [
  { group: 'canary', count: 10, durationSeconds: canarySeconds },
  { group: 'fleet', count: 200, durationSeconds: fleetSeconds },
];

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Per group, the versions of the jobs targeting it, in the order they were created. */
function handedPerGroup(s: LocalSession): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const job of Object.values(s.twin.fleet().jobs)) {
    for (const target of job.targets) {
      const group = target.split('/').pop()!;
      out[group] = [...(out[group] ?? []), ...job.packageVersions.map((v) => v.split('@')[1]!)];
    }
  }
  return out;
}

describe('two releases racing through their rollouts', () => {
  it.each([
    // A slow canary: the newer release starts its canary while the older one's still runs, and cancels it.
    ['during the older one’s canary', devices(600, 30), 'edge-agent-1_4_0-canary'],
    // A slow fleet: the newer release's fleet stage meets the older one's fleet job.
    ['during the older one’s fleet stage', devices(30, 600), 'edge-agent-1_4_0-fleet'],
  ])('a newer release arriving %s: the older is superseded, every device ends on the newer, no group goes back', async (_, fleet, olderStage) => {
    session = await startSession({ config: withRollout(ROLLOUT), devices: fleet });
    const s = session;
    const iot = await prepareAccount();
    await s.upload('releases/edge-agent/1.4.0/words.txt', 'older\n');
    await until('the older release to reach the stage', () => Object.keys(s.twin.fleet().jobs).some((j) => j.startsWith(olderStage)));
    await s.upload('releases/edge-agent/1.5.0/words.txt', 'newer\n');
    await s.settled();

    const older = executionFor(s, 'edge-agent', '1.4.0');
    const newer = executionFor(s, 'edge-agent', '1.5.0');
    expect([older.status, newer.status], `${older.cause} ${newer.cause}`).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    // Under load the older release can finish its stage before the newer one reaches it: then nothing is superseded.
    const olderStatus = (older.output as { rollout: { status: string } }).rollout.status;
    expect(['superseded', 'done']).toContain(olderStatus);
    expect((newer.output as { rollout: { status: string } }).rollout.status).toBe('done');

    // The older job still running on the newer one's targets was canceled for it; after that, the older release started nothing.
    const jobs = s.twin.fleet().jobs;
    const canceled = Object.entries(jobs).filter(([, j]) => j.reasonCode === 'SUPERSEDED');
    if (olderStatus === 'superseded') {
      expect(canceled.map(([id]) => id.replace(/-[0-9a-f]{10}$/, ''))).toEqual([olderStage]);
      expect(Object.keys(jobs).filter((id) => id.includes('1_4_0'))).toHaveLength(olderStage.endsWith('canary') ? 1 : 2);
    } else expect(canceled).toEqual([]);

    for (const [group, versions] of Object.entries(handedPerGroup(s))) {
      expect(versions.every((v, i) => i === 0 || compareVersions(v, versions[i - 1]!) >= 0), `${group}: ${versions.join(' -> ')}`).toBe(true);
      expect(versions.at(-1), group).toBe('1.5.0');
    }
    expect(await versionSpread(iot)).toEqual({ '1.5.0': 210 });
    iot.destroy();
    expect(s.report().catalog.iot['edge-agent']?.defaultVersion).toBe('1.5.0');
  });
});
