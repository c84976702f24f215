import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IoTClient } from '@aws-sdk/client-iot';
import { createHash } from 'node:crypto';
import { planRollback } from '../../lib/operations/rollback';
import { readHead } from '../../lib/release/rollback/epoch';
import type { RolledBackHead } from '../../lib/release/lease';
import { compareVersions, newestVersion } from '../../lib/release/version-order';
import { deriveSeed, Prng } from '../twin/core/faults';
import { playScenario, type TimedUpload } from '../scenario/play';
import type { LocalSession } from '../session';
import type { CampaignOptions, PlannedUpload } from './generate';

/**
 * The campaign's rollback wave (docs/rollback.md, issue 21): once the first wave has settled, some
 * packages are rolled back to an older release while, at the same time, the bad versions (and older
 * ones) are released again, new versions go forward, and sometimes a second rollback of the same
 * package starts at once. Faults stay on; what failed is redriven afterwards. The invariants then
 * hold relative to the head each rollback moved (local/campaign/heads.ts).
 */
export interface PlannedRollback {
  packageName: string;
  targetVersion: string;
  /** Given, so that two rollbacks of one package at once are two rollbacks (the derived token would name one). */
  rollbackToken: string;
  startAtMs: number;
}

export interface RollbackWave {
  rollbacks: PlannedRollback[];
  /** Uploads racing the rollbacks: the bad versions' and older bytes again, and new versions. */
  uploads: PlannedUpload[];
}

/** How many packages a campaign rolls back unless told: one in four. */
export const defaultRollbacks = (packages: number) => Math.ceil(packages / 4);

export function planRollbackWave(options: CampaignOptions, firstWave: PlannedUpload[], words: (pkg: string, version: string, salt: string) => string): RollbackWave {
  const prng = new Prng(deriveSeed(options.seed, 'campaign-rollbacks'));
  const chance = (p: number) => prng.next() < p;
  const spread = options.spreadMs ?? Math.max(200, options.releases * 4);
  const at = () => Math.floor(prng.next() * spread);
  const token = (label: string) => createHash('sha256').update(`campaign ${options.seed} ${label}`).digest('hex').slice(0, 32);
  const wave: RollbackWave = { rollbacks: [], uploads: [] };
  const packages = [...new Set(firstWave.map((u) => u.packageName))];
  for (const packageName of packages.slice(0, options.rollbacks ?? defaultRollbacks(packages.length))) {
    const ours = firstWave.filter((u) => u.packageName === packageName);
    // The head is the newest version the first wave published; OpenSearch-rejected ones never are.
    const released = [...new Set(ours.filter((u) => u.kind !== 'rejected').map((u) => u.versionName))];
    const head = newestVersion(released);
    const older = released.filter((v) => head !== undefined && compareVersions(v, head) < 0).sort(compareVersions);
    if (!head || older.length === 0) continue;
    const targetVersion = older[Math.floor(prng.next() * older.length)]!;
    wave.rollbacks.push({ packageName, targetVersion, rollbackToken: token(`${packageName} to ${targetVersion}`), startAtMs: at() });
    // Two rollbacks at once: to the same target or another older one.
    if (chance(0.4)) {
      const other = older[Math.floor(prng.next() * older.length)]!;
      wave.rollbacks.push({ packageName, targetVersion: other, rollbackToken: token(`${packageName} to ${other} again`), startAtMs: at() });
    }
    // The bad head released again (byte-identical): in flight during the rollback, it must not come back.
    const bad = ours.find((u) => u.versionName === head && u.kind === 'valid');
    if (bad) wave.uploads.push({ ...bad, startAtMs: at(), duplicateEvents: 1, kind: 'identical' });
    // An older release again: it is older than the head, so nothing moves back to it.
    const old = ours.find((u) => u.versionName === older[0] && u.kind === 'valid');
    if (old && chance(0.5)) wave.uploads.push({ ...old, startAtMs: at(), duplicateEvents: 1, kind: 'identical' });
    // A new version, racing the rollback: it goes forward as usual.
    if (chance(0.5)) {
      const versionName = `2.${Math.floor(prng.next() * 3)}.0`;
      wave.uploads.push({ key: `releases/${packageName}/${versionName}/words.txt`, content: words(packageName, versionName, 'forward'), startAtMs: at(), duplicateEvents: 1, packageName, versionName, kind: 'valid' });
    }
  }
  return wave;
}

/** Plays the wave: the uploads as timed, each rollback planned (read only) then started at its offset; waits until all ended. */
export async function playRollbackWave(session: LocalSession, wave: RollbackWave, timed: (uploads: PlannedUpload[]) => TimedUpload[]): Promise<{ refusedAtPlan: number }> {
  let refusedAtPlan = 0;
  const iot = new IoTClient({});
  const starting = wave.rollbacks.map(async (r) => {
    await new Promise((resolve) => setTimeout(resolve, r.startAtMs));
    for (let attempt = 0; ; attempt++) {
      try {
        const planned = await planRollback({ packageName: r.packageName, targetVersion: r.targetVersion, requestedBy: 'campaign', reason: 'campaign rollback', rollbackToken: r.rollbackToken }, { iot, s3: session.s3() });
        session.rollbacks.start(planned.executionName, planned.input);
        return;
      } catch (e) {
        // `pkgrelease rollback` refuses before starting anything (the other rollback already moved the head).
        if (/^RollbackTarget(Invalid|Gone)$/.test((e as Error).name)) return void refusedAtPlan++;
        // The plan's reads met an injected fault past the SDK's own retries: the operator runs it again.
        if (attempt >= 5) throw e;
      }
    }
  });
  try {
    await Promise.all([playScenario(session, timed(wave.uploads), []), ...starting]);
    await session.settled();
  } finally {
    iot.destroy();
  }
  return { refusedAtPlan };
}

/** The head in force per OpenSearch package, from its lease record. */
export async function headsOf(session: LocalSession, opensearchPackages: string[]): Promise<Record<string, RolledBackHead | undefined>> {
  const store = { dynamodb: new DynamoDBClient({}), table: session.twin.idempotencyTable, ttlSeconds: 60 };
  return Object.fromEntries(await Promise.all(opensearchPackages.map(async (p) => [p, await readHead(store, p)] as const)));
}
