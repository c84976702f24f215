import { GetBucketsAggregationCommand, IoTClient, UpdateIndexingConfigurationCommand, UpdatePackageConfigurationCommand } from '@aws-sdk/client-iot';
import type { PackagesConfig } from '../../lib/release/config';
import type { RolloutSettings } from '../../lib/release/rollout/settings';
import { CONFIG } from './harness';

export const VERSION_FIELD = 'shadow.name.$package.reported.edge-agent.version';

export const withRollout = (rollout: RolloutSettings): PackagesConfig => ({ packages: { ...CONFIG.packages, 'edge-agent': { ...CONFIG.packages['edge-agent'], rollout } } });

/** What a person sets up once per account (docs/rollout.md): $package updates by jobs, and the version field in the fleet index. */
export async function prepareAccount(): Promise<IoTClient> {
  const iot = new IoTClient({});
  await iot.send(new UpdatePackageConfigurationCommand({ versionUpdateByJobsConfig: { enabled: true, roleArn: 'arn:aws:iam::000000000000:role/package-shadow' } }));
  await iot.send(
    new UpdateIndexingConfigurationCommand({
      thingIndexingConfiguration: { thingIndexingMode: 'REGISTRY_AND_SHADOW', namedShadowIndexingMode: 'ON', filter: { namedShadowNames: ['$package'] }, customFields: [{ name: VERSION_FIELD, type: 'String' }] },
    }),
  );
  return iot;
}

/** How many devices report each version of edge-agent, from the fleet index. */
export async function versionSpread(iot: IoTClient): Promise<Record<string, number>> {
  const out = await iot.send(new GetBucketsAggregationCommand({ queryString: '*', aggregationField: VERSION_FIELD, bucketsAggregationType: { termsAggregation: {} } }));
  return Object.fromEntries((out.buckets ?? []).map((b) => [b.keyValue!, b.count!]));
}
