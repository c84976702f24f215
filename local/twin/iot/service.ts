/** The IoT Software Package Catalog on the IoT control-plane endpoint (which the fleet service shares). */
import { JSON_BODY_LIMIT } from '../core/limits';
import type { TwinServiceDefinition } from '../core/service';
import { iotCatalogRoutes, iotProtocol, type VersionSbom } from './api';
import type { IotCatalog } from './catalog';

export const IOT_STATE_FILE = 'iot.json';

export function iotService(catalog: IotCatalog, sbomOf?: VersionSbom): TwinServiceDefinition {
  return {
    models: [{ file: IOT_STATE_FILE, model: catalog }],
    endpoints: [{ key: 'iot', envVar: 'AWS_ENDPOINT_URL_IOT', service: 'iot', protocol: iotProtocol, routes: iotCatalogRoutes(catalog, sbomOf), bodyLimit: JSON_BODY_LIMIT }],
  };
}
