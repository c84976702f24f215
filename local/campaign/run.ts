import { redriveAdvice } from '../../lib/release/redrive-policy';
import { playScenario, setUpScenario, type TimedUpload } from '../scenario/play';
import { LOCAL_BUCKET, LocalSession } from '../session';
import { checkCampaign, type CampaignSummary } from './invariants';
import type { CampaignPlan } from './generate';
import { checkAborted, prepareFleetAccount } from './fleet';
import { headsOf, playRollbackWave } from './rollbacks';
import { checkSbomGate, checkSboms, playRacingSboms, sbomValidationsSettled } from './sboms';
import { lambdaThreadsFor } from '../engine/lambda-thread/lambda-thread';

/** After each wave, failed executions are redriven (faults cleared: "once the cause is gone") this many times. */
export const REDRIVE_ROUNDS = 3;

/** The campaign's uploads as the player takes them (their content is the body). */
const timed = (uploads: readonly { key: string; content: string; startAtMs: number; duplicateEvents: number }[]): TimedUpload[] =>
  uploads.map((u) => ({ key: u.key, body: u.content, startAtMs: u.startAtMs, duplicateEvents: u.duplicateEvents }));

/**
 * Redrives what failed with an error a redrive can fix, faults cleared ("once the cause is gone").
 * Counts the redrives by the error that made them necessary.
 */
async function redriveFailed(session: LocalSession, redriven: Record<string, number>): Promise<void> {
  session.twin.setFaults([]);
  for (let round = 0; round < REDRIVE_ROUNDS; round++) {
    const failed = [session.engine, session.rollbacks].flatMap((machine) =>
      machine.list().filter((e) => e.status !== 'SUCCEEDED' && e.status !== 'RUNNING' && redriveAdvice(e.error).redrivable).map((e) => ({ machine, e })),
    );
    if (failed.length === 0) break;
    for (const { machine, e } of failed) {
      redriven[e.error ?? 'unknown'] = (redriven[e.error ?? 'unknown'] ?? 0) + 1;
      machine.redrive(e.name);
    }
    await session.settled();
  }
}

export interface CampaignResult {
  summary: CampaignSummary;
  wallMs: number;
  /** Redrives, by the error the execution had failed with. */
  redriven: Record<string, number>;
}

/**
 * Runs a campaign plan on a fresh twin: every upload and manifest at its offset, all at once, then
 * redrives whatever failed with an error a redrive can fix, then checks the invariants.
 */
export async function runCampaign(plan: CampaignPlan, opts: { timeScale?: number } = {}): Promise<CampaignResult> {
  const started = Date.now();
  const { scenario } = plan;
  const session = await LocalSession.start({
    config: { packages: scenario.packages },
    seed: scenario.seed,
    faults: scenario.faults,
    opensearchTiming: scenario.opensearchTiming,
    timeScale: opts.timeScale,
    devices: scenario.devices,
    lambdaThreads: lambdaThreadsFor(scenario.uploads.length),
  });
  try {
    if (scenario.devices?.length) await prepareFleetAccount();
    await setUpScenario(session, scenario);
    let firstWaveOver = false;
    const racing = playRacingSboms(session, plan.sboms ?? [], () => firstWaveOver);
    await playScenario(session, timed(scenario.uploads), scenario.manifests);
    firstWaveOver = true;
    const sbomsRaced = await racing;
    await session.settled();
    // What the aborted rollouts left, before the devices are fixed and the releases redriven.
    const aborted = checkAborted(session.engine.list(), session.twin.catalog(), session.twin.fleet());
    if (scenario.fixedDevices?.length) session.twin.declareDevices(scenario.fixedDevices);
    // The SBOM gate held what was invalid or missing; then the corrections and the missing ones are uploaded.
    const gate = checkSbomGate(plan.sboms ?? [], (p) => scenario.packages[p]?.opensearchPackage, session.engine.list(), session.twin.catalog());
    await playScenario(session, timed(scenario.fixedSboms ?? []), []);
    const redriven: Record<string, number> = {};
    await redriveFailed(session, redriven);
    // Rollback wave: rollbacks racing releases of the bad, older and newer versions, faults on.
    if (plan.rollbackWave?.rollbacks.length) {
      session.twin.setFaults(scenario.faults);
      await playRollbackWave(session, plan.rollbackWave, timed);
      await redriveFailed(session, redriven);
    }
    // Second wave: re-uploads of released versions, with the same faults, then redrives again.
    session.twin.setFaults(scenario.faults);
    await playScenario(session, timed(scenario.secondWave), []);
    await redriveFailed(session, redriven);
    await sbomValidationsSettled(() => session.twin.catalog());
    const sbomsEnd = checkSboms(plan.sboms ?? [], plan.sbomRequired ?? [], session.twin.catalog(), (key) => session.twin.s3.findObject(LOCAL_BUCKET, key)?.versionId);

    const summary = checkCampaign(plan, {
      executions: session.engine.list(),
      catalog: session.twin.catalog(),
      calls: session.report().calls,
      body: (key, versionId) => session.twin.s3.getObject(LOCAL_BUCKET, key, versionId).body.toString('utf8'),
      iotTokenUses: session.twin.iotTokenUses(),
      rollbacks: session.rollbacks.list(),
      fleet: session.twin.fleet(),
      aborted,
      sboms: { gated: gate.gated, checked: sbomsEnd.checked, raced: sbomsRaced, violations: [...gate.violations, ...sbomsEnd.violations] },
      heads: await headsOf(session, Object.values(scenario.packages).map((p) => p.opensearchPackage)),
    });
    return { summary, wallMs: Date.now() - started, redriven };
  } finally {
    await session.close();
  }
}
