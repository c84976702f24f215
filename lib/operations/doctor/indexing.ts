import type { IoTClient, ThingIndexingConfiguration } from '@aws-sdk/client-iot';
import { getIndexingConfiguration, updateThingIndexing } from '../../clients/fleet-indexing';
import { type Check, guarded, notOk, ok } from './check';

/**
 * Fleet indexing, which the Software Package Catalog needs (AWS, "Getting started with Software
 * Package Catalog"; "Preparing fleet indexing"): thing indexing on, named shadow indexing on, and
 * the `$package` reserved named shadow among the indexed shadows. It is an account-wide setting.
 */
export const PACKAGE_SHADOW = '$package';
const NAME = 'fleet indexing';

/** What is missing from a thing indexing configuration, one phrase each; empty when it is enough. */
export function indexingGaps(t: ThingIndexingConfiguration | undefined): string[] {
  const gaps: string[] = [];
  const mode = t?.thingIndexingMode ?? 'OFF';
  if (mode === 'OFF') gaps.push('thingIndexingMode is OFF');
  // Named shadows are shadow data: AWS indexes them only with REGISTRY_AND_SHADOW.
  else if (mode !== 'REGISTRY_AND_SHADOW') gaps.push(`thingIndexingMode is ${mode}, and named shadows need REGISTRY_AND_SHADOW`);
  if (t?.namedShadowIndexingMode !== 'ON') gaps.push(`namedShadowIndexingMode is ${t?.namedShadowIndexingMode ?? 'OFF'}`);
  if (!t?.filter?.namedShadowNames?.includes(PACKAGE_SHADOW)) gaps.push(`filter.namedShadowNames has no ${PACKAGE_SHADOW}`);
  return gaps;
}

/** `fixCommand`: the command line that fixes it (`pkgrelease doctor --stage prod --fix-indexing`). */
export async function checkIndexing(iot: IoTClient, fixCommand: string): Promise<Check[]> {
  return guarded(NAME, 'iot:GetIndexingConfiguration', async () => {
    const t = (await getIndexingConfiguration(iot)).thingIndexingConfiguration;
    const gaps = indexingGaps(t);
    if (gaps.length === 0) return ok(NAME, `thingIndexingMode ${t!.thingIndexingMode}, named shadow ${PACKAGE_SHADOW} indexed`);
    return notOk(
      NAME,
      `${gaps.join('; ')}: CreatePackage and CreatePackageVersion fail until it is on`,
      `run "${fixCommand}" (it keeps every other indexing setting), or set thingIndexingMode REGISTRY_AND_SHADOW, namedShadowIndexingMode ON and add ${PACKAGE_SHADOW} to filter.namedShadowNames (aws iot update-indexing-configuration)`,
    );
  });
}

/**
 * The configuration with what the catalog needs added and everything else kept: the other named
 * shadows, geolocations, connectivity, Device Defender and custom fields. `managedFields` are the
 * service's own (read-only) and are not sent back. Pure.
 */
export function mergeIndexing(current: ThingIndexingConfiguration | undefined): { next: ThingIndexingConfiguration; changes: string[] } {
  const { managedFields: _managed, ...kept } = current ?? { thingIndexingMode: 'OFF' };
  const next: ThingIndexingConfiguration = { ...kept, thingIndexingMode: kept.thingIndexingMode ?? 'OFF' };
  const changes: string[] = [];
  if (next.thingIndexingMode !== 'REGISTRY_AND_SHADOW') {
    changes.push(`thingIndexingMode ${next.thingIndexingMode} → REGISTRY_AND_SHADOW`);
    next.thingIndexingMode = 'REGISTRY_AND_SHADOW';
  }
  if (next.namedShadowIndexingMode !== 'ON') {
    changes.push(`namedShadowIndexingMode ${next.namedShadowIndexingMode ?? 'OFF'} → ON`);
    next.namedShadowIndexingMode = 'ON';
  }
  const names = next.filter?.namedShadowNames ?? [];
  if (!names.includes(PACKAGE_SHADOW)) {
    changes.push(`filter.namedShadowNames ${JSON.stringify(names)} → ${JSON.stringify([...names, PACKAGE_SHADOW])}`);
    next.filter = { ...next.filter, namedShadowNames: [...names, PACKAGE_SHADOW] };
  }
  return { next, changes };
}

/** `--fix-indexing`: reads the configuration, merges, writes it only if something changes; returns what changed. */
export async function fixIndexing(iot: IoTClient): Promise<string[]> {
  const { next, changes } = mergeIndexing((await getIndexingConfiguration(iot)).thingIndexingConfiguration);
  if (changes.length) await updateThingIndexing(iot, next);
  return changes;
}
