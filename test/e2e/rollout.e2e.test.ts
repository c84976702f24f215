import { afterEach, describe, expect, it } from 'vitest';
import type { RolloutSettings } from '../../lib/release/rollout/settings';
import type { DeviceGroupSpec } from '../../local/twin';
import type { LocalSession } from '../../local/session';
import { executionFor, startSession } from './harness';
import { prepareAccount, versionSpread, withRollout } from './rollout-harness';

/**
 * Staged rollouts with the real ASL in the local engine and the twin's simulated devices: after
 * Promote, one IoT job per stage (canary, then fleet), watched to its end; the default version
 * moves only once every stage passed.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const DOCUMENT = { version: '1.0', steps: [{ action: { name: 'install', type: 'runHandler', input: { handler: 'install.sh' } } }] };

const ROLLOUT: RolloutSettings = {
  stages: [
    { name: 'canary', targets: ['canary'], abort: [{ failureType: 'FAILED', thresholdPercentage: 20, minNumberOfExecutedThings: 10 }] },
    { name: 'fleet', targets: ['fleet'], rate: { maximumPerMinute: 100 } },
  ],
  jobDocument: { document: DOCUMENT },
};

const devices = (canaryFail: number): DeviceGroupSpec[] => [
  { group: 'canary', count: 10, outcomes: { fail: canaryFail }, durationSeconds: 30 },
  { group: 'fleet', count: 200, durationSeconds: 30 },
];

type RolloutOutput = { rollout: { status: string; outcomes: { stage: string; outcome: string; jobId: string; attempt: number; counts: { succeeded: number } }[] } };

describe('staged rollout (rollout in config/packages.json)', () => {
  it('canary (10 devices) then fleet (200): both pass, 210 devices report the version, then the default moves', async () => {
    session = await startSession({ config: withRollout(ROLLOUT), devices: devices(0) });
    const iot = await prepareAccount();
    await session.upload('releases/edge-agent/1.4.0/words.txt', 'alpha\n');
    await session.settled();

    const execution = executionFor(session, 'edge-agent', '1.4.0');
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    const names = execution.states.map((s) => s.name);
    expect(names.slice(names.indexOf('Promote'))).toEqual(['Promote', 'RolloutConfigured?', 'StartRolloutStage', 'WatchRolloutStage', 'RolloutStagePassed?', 'StartRolloutStage', 'WatchRolloutStage', 'RolloutStagePassed?', 'RolloutDefault', 'Released']);
    const output = execution.output as RolloutOutput;
    expect(output.rollout.status).toBe('done');
    expect(output.rollout.outcomes.map((o) => [o.stage, o.outcome, o.attempt, o.counts.succeeded])).toEqual([
      ['canary', 'passed', 0, 10],
      ['fleet', 'passed', 0, 200],
    ]);
    // One job per stage, each on its group with this version.
    const jobs = session.twin.fleet().jobs;
    expect(Object.keys(jobs).sort()).toEqual(output.rollout.outcomes.map((o) => o.jobId).sort());
    for (const o of output.rollout.outcomes) expect(jobs[o.jobId]).toMatchObject({ status: 'COMPLETED', packageVersions: ['edge-agent@1.4.0'] });

    expect(await versionSpread(iot)).toEqual({ '1.4.0': 210 });
    expect(session.twin.fleet().versions['edge-agent']).toEqual({ '1.4.0': 210 });
    expect(session.report().catalog.iot['edge-agent']).toMatchObject({ defaultVersion: '1.4.0', versions: { '1.4.0': { status: 'PUBLISHED' } } });
    iot.destroy();
  });

  it('a canary with 30 % failures aborts with RolloutAborted (counts, FAILED), the fleet stage never starts, the default stays; a redrive after the fix completes', async () => {
    session = await startSession({ config: withRollout(ROLLOUT), devices: devices(0.3) });
    const iot = await prepareAccount();
    await session.upload('releases/edge-agent/1.4.0/words.txt', 'alpha\n');
    await session.settled();

    const execution = executionFor(session, 'edge-agent', '1.4.0');
    expect(execution).toMatchObject({ status: 'FAILED', error: 'RolloutAborted' });
    expect(execution.cause).toContain('rollout stage canary aborted (FAILED)');
    expect(execution.cause).toMatch(/\d+ failed/);
    expect(execution.states.at(-1)?.name).toBe('WatchRolloutStage');
    const jobs = Object.keys(session.twin.fleet().jobs);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toContain('-canary-');
    expect(session.twin.fleet().jobs[jobs[0]!]).toMatchObject({ status: 'CANCELED', reasonCode: 'ABORT_CRITERIA_MET' });
    // Published (the job needs it), but not the default: not every stage took it.
    expect(session.report().catalog.iot['edge-agent']).toMatchObject({ versions: { '1.4.0': { status: 'PUBLISHED' } } });
    expect(session.report().catalog.iot['edge-agent']?.defaultVersion ?? null).toBeNull();
    expect((await versionSpread(iot))['1.4.0'] ?? 0).toBeLessThan(10);

    // The devices are fixed; a redrive starts the canary again as a new job, then the fleet.
    session.twin.declareDevices(devices(0));
    session.engine.redrive(execution.name);
    await session.settled();
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    const output = execution.output as RolloutOutput;
    expect(output.rollout.outcomes.map((o) => [o.stage, o.outcome, o.attempt])).toEqual([
      ['canary', 'passed', 1],
      ['fleet', 'passed', 1],
    ]);
    expect(output.rollout.outcomes[0]!.jobId).toBe(`${jobs[0]}-a1`);
    expect(Object.keys(session.twin.fleet().jobs)).toHaveLength(3);
    expect(await versionSpread(iot)).toEqual({ '1.4.0': 210 });
    expect(session.report().catalog.iot['edge-agent']?.defaultVersion).toBe('1.4.0');
    iot.destroy();
  });
});
