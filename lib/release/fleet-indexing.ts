import type { IoTClient } from '@aws-sdk/client-iot';
import { getIndexingConfiguration } from '../clients/fleet-indexing';
import { indexingGaps } from '../operations/doctor/indexing';
import { FleetIndexingDisabled } from './errors';

/** What a person runs to turn fleet indexing on, keeping the account's other indexing settings. */
export const FIX_INDEXING_COMMAND = 'pkgrelease doctor --fix-indexing';

/**
 * The error CreatePackage / CreatePackageVersion answered, as FleetIndexingDisabled when fleet
 * indexing is the cause; undefined otherwise. The API models list only ValidationException for it
 * and AWS does not document the message, so the cause is established by looking at the account's
 * indexing configuration (iot:GetIndexingConfiguration, which every catalog call needs anyway);
 * if that look itself fails, by the message naming indexing.
 */
export async function fleetIndexingRefusal(error: unknown, iot: IoTClient, what: string): Promise<FleetIndexingDisabled | undefined> {
  const e = error as Error;
  if (e?.name !== 'ValidationException') return undefined;
  let gaps: string[];
  try {
    const thing = (await getIndexingConfiguration(iot)).thingIndexingConfiguration;
    // Only thing indexing OFF makes the catalog refuse; the other gaps are named so one fix covers all.
    if ((thing?.thingIndexingMode ?? 'OFF') !== 'OFF') return undefined;
    gaps = indexingGaps(thing);
  } catch {
    if (!/\bindexing\b/i.test(e.message ?? '')) return undefined;
    gaps = ['thing indexing is OFF'];
  }
  return new FleetIndexingDisabled(
    `${what} was refused: fleet indexing is off in this account and region (${gaps.join('; ')}), and the Software Package Catalog needs it. ` +
      `Run "${FIX_INDEXING_COMMAND}" with this stack's --stage/--region/--profile (locally: "pkgrelease local doctor --fix-indexing"); it keeps every other indexing setting. ` +
      'Or set thingIndexingMode REGISTRY_AND_SHADOW, namedShadowIndexingMode ON and add $package to filter.namedShadowNames (aws iot update-indexing-configuration). ' +
      `Then redrive this execution. IoT said: ${e.name}: ${e.message}`,
    { cause: error },
  );
}
