import { getPackage, setDefaultVersion } from '../../clients/iot';
import { releaseLease } from '../lease';
import { barredByRollback, readHead } from '../rollback/epoch';
import { compareVersions } from '../version-order';
import type { RolloutRelease } from './start-stage';
import { type RolloutDeps, takeRolloutLease } from './supersede';

export interface RolloutDefaultResult {
  defaultVersion: string | null;
  defaultChanged: boolean;
  /** Why the default was left alone: the rollout was superseded, the policy is `never`, or a rollback barred the version. */
  skipped?: 'superseded' | 'never' | 'rolled-back';
}

/**
 * RolloutDefault: once every stage passed, the package's default version becomes this version
 * (`always`), or does when it is newer than the default (`if-newer`, the default policy). Only a
 * version every stage took becomes the default: an aborted or superseded rollout's version stays
 * PUBLISHED but never the default. Under the package's rollout lease, so two releases finishing
 * at once cannot leave the older one as the default.
 */
export async function defaultAfterRollout(release: RolloutRelease, owner: string, deps: RolloutDeps): Promise<RolloutDefaultResult> {
  const { packageName, versionName, clientToken } = release;
  if (release.rollout.status === 'superseded') return { ...(await currentDefault(release, deps)), defaultChanged: false, skipped: 'superseded' };
  if (release.defaultVersionPolicy === 'never') return { ...(await currentDefault(release, deps)), defaultChanged: false, skipped: 'never' };
  const lease = await takeRolloutLease(deps, packageName, owner, versionName);
  try {
    const { defaultVersion } = await currentDefault(release, deps);
    if (barredByRollback(await readHead(deps.lease, release.opensearch.packageName), versionName)) return { defaultVersion, defaultChanged: false, skipped: 'rolled-back' };
    const move = release.defaultVersionPolicy === 'always' ? defaultVersion !== versionName : defaultVersion === null || compareVersions(versionName, defaultVersion) > 0;
    if (!move) return { defaultVersion, defaultChanged: false };
    await setDefaultVersion(deps.iot, packageName, versionName, clientToken);
    return { defaultVersion: versionName, defaultChanged: true };
  } finally {
    await releaseLease(deps.lease, lease);
  }
}

async function currentDefault(release: RolloutRelease, deps: RolloutDeps): Promise<Pick<RolloutDefaultResult, 'defaultVersion'>> {
  return { defaultVersion: (await getPackage(deps.iot, release.packageName))?.defaultVersionName ?? null };
}
