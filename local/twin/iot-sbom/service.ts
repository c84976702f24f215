/** SBOMs of package versions and their validation, on the IoT endpoint (which the catalog and the fleet share). */
import { JSON_BODY_LIMIT } from '../core/limits';
import type { TwinServiceDefinition } from '../core/service';
import { iotProtocol } from '../iot/api';
import type { IotCatalog } from '../iot/catalog';
import { sbomRoutes } from './api';
import type { SbomValidations } from './sboms';

export const SBOM_STATE_FILE = 'iot-sbom.json';

export function sbomService(catalog: IotCatalog, sboms: SbomValidations): TwinServiceDefinition {
  return {
    models: [{ file: SBOM_STATE_FILE, model: sboms }],
    endpoints: [{ key: 'iot', envVar: 'AWS_ENDPOINT_URL_IOT', service: 'iot', protocol: iotProtocol, routes: sbomRoutes(catalog, sboms), bodyLimit: JSON_BODY_LIMIT }],
  };
}
