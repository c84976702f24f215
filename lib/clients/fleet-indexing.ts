import { GetIndexingConfigurationCommand, type GetIndexingConfigurationCommandOutput, type IoTClient, type ThingIndexingConfiguration, UpdateIndexingConfigurationCommand } from '@aws-sdk/client-iot';

/**
 * The account's fleet indexing configuration: the Software Package Catalog needs thing indexing on,
 * with the `$package` reserved named shadow as a data source. One helper per call.
 */
export type IndexingConfiguration = Pick<GetIndexingConfigurationCommandOutput, 'thingIndexingConfiguration' | 'thingGroupIndexingConfiguration'>;

export async function getIndexingConfiguration(iot: IoTClient): Promise<IndexingConfiguration> {
  const { thingIndexingConfiguration, thingGroupIndexingConfiguration } = await iot.send(new GetIndexingConfigurationCommand({}));
  return { thingIndexingConfiguration, thingGroupIndexingConfiguration };
}

/** Replaces the thing indexing configuration only; thing group indexing is left as it is (not sent). */
export async function updateThingIndexing(iot: IoTClient, thingIndexingConfiguration: ThingIndexingConfiguration): Promise<void> {
  await iot.send(new UpdateIndexingConfigurationCommand({ thingIndexingConfiguration }));
}
