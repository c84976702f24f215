import type { IoTClient } from '@aws-sdk/client-iot';
import { getPackage, getPackageVersion, listPublishedVersions, publishPackageVersion, setDefaultVersion } from '../../clients/iot';
import { InvalidRelease } from '../errors';
import { deriveSubToken } from '../identity';
import type { RolledBackHead } from '../lease';
import type { ReleaseRequest } from '../request';
import { barredByRollback } from '../rollback/epoch';
import { compareVersions, newestVersion } from '../version-order';

export interface PromoteResult {
  /**
   * `published`: this run published it; `already-published`; `deprecated`: left alone (someone deprecated it);
   * `barred`: a rollback moved the head past this version, so it stays as it is (DRAFT or DEPRECATED).
   */
  publish: 'published' | 'already-published' | 'deprecated' | 'barred';
  /** The package's default version after this step (null when it has none). */
  defaultVersion: string | null;
  /** Whether this run moved the default. */
  defaultChanged: boolean;
  /** A package with a rollout moves its default once every stage passed (RolloutDefault), not here. */
  defaultAfterRollout?: true;
  /** The head of the rollback that barred this version. */
  barredBy?: string;
}

/** How many times to re-check the default after moving it (closes races between concurrent releases). */
const MAX_DEFAULT_PASSES = 3;

/**
 * Step 5: publish the version (skipped when already PUBLISHED), then move the package's default
 * version according to the package's policy:
 * - `if-newer` (default): the default becomes the newest PUBLISHED version when that is newer than
 *   the current default — never older. Re-checked after each move, so releases promoted at the same
 *   time still end on the newest one. Roll back by DEPRECATING the bad version, not by re-releasing.
 * - `always`: the default becomes this version.
 * - `never`: the default is not touched.
 * A package with a rollout is published here (jobs deploy PUBLISHED versions only) and its default
 * moves after the last stage passed (lib/release/rollout/default.ts, docs/rollout.md).
 */
export async function promote(release: ReleaseRequest, iot: IoTClient, rolledBack?: RolledBackHead): Promise<PromoteResult> {
  const { packageName, versionName, clientToken } = release;
  const version = await getPackageVersion(iot, packageName, versionName);
  if (!version) {
    throw new InvalidRelease(`${packageName}@${versionName} does not exist; the CreateVersion step must run first (start a new execution)`);
  }
  // Barred by a rollback (in flight or redriven since): never published, never the default, so the
  // newest PUBLISHED version stays the head a later rollback reads (docs/rollback.md).
  if (barredByRollback(rolledBack, versionName)) {
    return { publish: 'barred', defaultVersion: (await getPackage(iot, packageName))?.defaultVersionName ?? null, defaultChanged: false, barredBy: rolledBack!.head };
  }
  let publish: PromoteResult['publish'] = 'already-published';
  if (version.status === 'DRAFT') {
    await publishPackageVersion(iot, packageName, versionName, clientToken);
    publish = 'published';
  } else if (version.status === 'DEPRECATED') {
    publish = 'deprecated';
  }

  let current = (await getPackage(iot, packageName))?.defaultVersionName ?? null;
  if (release.rollout) return { publish, defaultVersion: current, defaultChanged: false, defaultAfterRollout: true };
  if (publish === 'deprecated' || release.defaultVersionPolicy === 'never') {
    return { publish, defaultVersion: current, defaultChanged: false };
  }
  if (release.defaultVersionPolicy === 'always') {
    if (current === versionName) return { publish, defaultVersion: current, defaultChanged: false };
    await setDefaultVersion(iot, packageName, versionName, clientToken);
    return { publish, defaultVersion: versionName, defaultChanged: true };
  }

  let changed = false;
  for (let pass = 0; pass < MAX_DEFAULT_PASSES; pass++) {
    const published = (await listPublishedVersions(iot, packageName)).filter((v) => !barredByRollback(rolledBack, v));
    const newest = newestVersion([versionName, ...published])!;
    if (current !== null && compareVersions(newest, current) <= 0) break;
    // Our own token when the target is this release; a derived one otherwise (a token names one request).
    const token = newest === versionName ? clientToken : deriveSubToken(clientToken, `default:${newest}`);
    await setDefaultVersion(iot, packageName, newest, token);
    changed = true;
    current = (await getPackage(iot, packageName))?.defaultVersionName ?? null;
  }
  return { publish, defaultVersion: current, defaultChanged: changed };
}
