import { IoTClient, UpdateIndexingConfigurationCommand, UpdatePackageConfigurationCommand } from '@aws-sdk/client-iot';
import type { RolloutSettings } from '../../lib/release/rollout/settings';
import { type ExecutionRecord, preparedVersionOf } from '../engine/executions';
import type { DeviceGroupSpec, FleetView, TwinCatalog } from '../twin';
import type { CampaignPlan } from './generate';
import { checkTimeline, type RollbackLedger } from './heads';

/**
 * Device groups in the campaign: every package the rollback wave rolls back also has a staged
 * rollout (a canary group, then a fleet group of simulated devices), so its releases, their
 * supersedings and the rollbacks all hand versions to devices. The checker then asks the devices
 * themselves (their `$package` shadows) which version each runs.
 */
export const stageGroups = (packageName: string) => ({ canary: `${packageName}-canary`, fleet: `${packageName}-fleet` });

export function rolloutOf(packageName: string): RolloutSettings {
  const groups = stageGroups(packageName);
  return {
    stages: [
      { name: 'canary', targets: [groups.canary] },
      { name: 'fleet', targets: [groups.fleet] },
    ],
    jobDocument: { document: { version: '1.0', steps: [{ action: { name: 'install', type: 'runHandler', input: { handler: 'install.sh' } } }] } },
  };
}

/** Which stage's devices fail in the first wave: the canary (the fleet stage must then never start) or the fleet. */
export type FailingStage = 'canary' | 'fleet';

/** The groups of a package; a `failing` stage's group has one device in three (at least one) fail its job, so the stage, needing 100 %, aborts. */
export function devicesOf(packageName: string, failing?: FailingStage): DeviceGroupSpec[] {
  const groups = stageGroups(packageName);
  const outcomes = (stage: FailingStage) => (failing === stage ? { outcomes: { fail: 0.34 } } : {});
  return [
    { group: groups.canary, count: 2, pickupSeconds: 1, durationSeconds: 5, ...outcomes('canary') },
    { group: groups.fleet, count: 3, pickupSeconds: 1, durationSeconds: 5, ...outcomes('fleet') },
  ];
}

/**
 * What an aborted rollout must leave (docs/rollout.md "Where the default version moves"): the version
 * PUBLISHED but not the default, the aborted stage's job ended (CANCELED, or COMPLETED below the
 * success criterion), no job of that version for a later stage. Checked when the first wave has
 * ended, before the devices are fixed and the aborted releases redriven (a redrive runs the stage
 * again as a new job).
 */
export function checkAborted(executions: ExecutionRecord[], catalog: TwinCatalog, fleet: FleetView | undefined): { aborted: number; violations: string[] } {
  const violations: string[] = [];
  const aborted = executions.filter((e) => e.status === 'FAILED' && e.error === 'RolloutAborted');
  for (const e of aborted) {
    const release = preparedVersionOf(e);
    const where = /rollout stage (\S+) aborted .*; job (\S+):/.exec(e.cause ?? '');
    if (!release || !where) {
      violations.push(`aborted rollout ${e.name}: no release or stage and job in its outcome`);
      continue;
    }
    const { packageName, versionName } = release;
    const [, stage, jobId] = where;
    const said = `${e.name} ended RolloutAborted at stage ${stage}`;
    const pkg = catalog.iot[packageName];
    if (pkg?.versions[versionName]?.status !== 'PUBLISHED') violations.push(`${said} but ${packageName} ${versionName} is ${pkg?.versions[versionName]?.status ?? 'missing'}`);
    if (pkg?.defaultVersion === versionName) violations.push(`${said} but ${packageName} defaults to ${versionName}`);
    const job = fleet?.jobs[jobId!];
    if (!job || !['CANCELED', 'COMPLETED'].includes(job.status)) violations.push(`${said} but its job ${jobId} is ${job?.status ?? 'missing'}`);
    const stages = rolloutOf(packageName).stages.map((s) => s.name);
    const later = stages.slice(stages.indexOf(stage!) + 1).map((s) => stageGroups(packageName)[s as FailingStage]);
    for (const [id, j] of Object.entries(fleet?.jobs ?? {})) {
      const ofVersion = j.packageVersions.includes(`${packageName}@${versionName}`);
      if (ofVersion && j.targets.some((t) => later.some((g) => t.endsWith(`/${g}`)))) violations.push(`${said} but job ${id} handed ${versionName} to a later stage's group`);
    }
  }
  return { aborted: aborted.length, violations };
}

/** What a person sets up once per account (docs/rollout.md): `$package` updates by jobs, and named shadows in the fleet index. */
export async function prepareFleetAccount(): Promise<void> {
  const iot = new IoTClient({});
  try {
    await iot.send(new UpdatePackageConfigurationCommand({ versionUpdateByJobsConfig: { enabled: true, roleArn: 'arn:aws:iam::000000000000:role/package-shadow' } }));
    await iot.send(new UpdateIndexingConfigurationCommand({ thingIndexingConfiguration: { thingIndexingMode: 'REGISTRY_AND_SHADOW', namedShadowIndexingMode: 'ON', filter: { namedShadowNames: ['$package'] } } }));
  } finally {
    iot.destroy();
  }
}

/**
 * Every device of every package with a rollout ends reporting what every side must end on (the
 * head, or a newer release): `expected(packageName)`. Returns how many packages' devices do not.
 */
export function checkDevices(plan: CampaignPlan, fleet: FleetView | undefined, expected: (packageName: string) => string | undefined, violations: string[]): number {
  let behind = 0;
  for (const [packageName, settings] of Object.entries(plan.scenario.packages)) {
    if (!settings.rollout) continue;
    const devices = devicesOf(packageName).reduce((n, g) => n + g.count, 0);
    const reported = fleet?.versions[packageName] ?? {};
    const want = expected(packageName);
    if (want === undefined || (reported[want] ?? 0) === devices) continue;
    behind++;
    violations.push(`devices not converged: ${devices - (reported[want] ?? 0)} of ${devices} devices of ${packageName} do not report ${want} (${JSON.stringify(reported)})`);
  }
  return behind;
}

/**
 * No target group is handed an older version after a newer one, except by a rollback's job (and then
 * only as the ordering with rollbacks allows, local/campaign/heads.ts): each group's jobs, in the order
 * they were created, walked like a served timeline. Returns how many steps broke it.
 */
export function checkGroupTimelines(plan: CampaignPlan, fleet: FleetView | undefined, ledger: RollbackLedger, violations: string[]): number {
  let broken = 0;
  for (const [packageName, settings] of Object.entries(plan.scenario.packages)) {
    if (!settings.rollout) continue;
    for (const group of Object.values(stageGroups(packageName))) {
      const handed = Object.entries(fleet?.jobs ?? {}).filter(([, j]) => j.targets.some((t) => t.endsWith(`/${group}`)));
      const timeline = handed.map(([jobId, j]) => {
        const versionName = j.packageVersions.find((v) => v.startsWith(`${packageName}@`))?.slice(packageName.length + 1);
        const commit = ledger.commitOfRollbackJob(jobId, packageName) ?? (versionName ? { versionName, token: jobId, packageName } : undefined);
        return { commit, label: `job ${jobId}, ${j.status}` };
      });
      broken += checkTimeline(timeline, ledger, `group ${group}`, violations);
    }
  }
  return broken;
}

