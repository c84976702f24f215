import type { IoTClient } from '@aws-sdk/client-iot';
import { deprecatePackageVersion, getPackage, getPackageVersion, setDefaultVersion } from '../../clients/iot';
import { deriveSubToken } from '../identity';
import type { RollbackPlan } from './validate';
import type { RollbackRequest } from './request';

export interface RollbackCatalogResult {
  defaultVersion: string;
  defaultChanged: boolean;
  /** The versions this run deprecated (already DEPRECATED ones are left out). */
  deprecated: string[];
}

/**
 * The IoT side of a rollback: the default moves to the target FIRST (so devices asking for the
 * default never get a DEPRECATED version in between), then every version above the target that is
 * still PUBLISHED is deprecated. Decided from what IoT shows now, so a retry or redrive converges.
 */
export async function rollBackCatalog(request: Pick<RollbackRequest, 'packageName' | 'rollbackToken'>, plan: RollbackPlan, iot: IoTClient): Promise<RollbackCatalogResult> {
  const { packageName, rollbackToken } = request;
  const target = plan.target.versionName;
  const current = (await getPackage(iot, packageName))?.defaultVersionName;
  const defaultChanged = current !== target;
  if (defaultChanged) await setDefaultVersion(iot, packageName, target, deriveSubToken(rollbackToken, 'rollback-default'));
  const deprecated: string[] = [];
  for (const versionName of plan.above) {
    const version = await getPackageVersion(iot, packageName, versionName);
    if (version?.status !== 'PUBLISHED') continue;
    await deprecatePackageVersion(iot, packageName, versionName, deriveSubToken(rollbackToken, `rollback-deprecate-${versionName}`));
    deprecated.push(versionName);
  }
  return { defaultVersion: target, defaultChanged, deprecated };
}
