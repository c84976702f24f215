/** The fleet (things, jobs, devices, shadows, fleet index) on the IoT endpoint and its own IoT Data Plane endpoint. */
import { JSON_BODY_LIMIT } from '../core/limits';
import type { TwinServiceDefinition } from '../core/service';
import { iotProtocol } from '../iot/api';
import type { FleetService } from './fleet';
import { FRESH_ACCOUNT_INDEXING } from './fleet-index/indexing-config';
import { iotDataProtocol } from './shadows/api';

/**
 * `freshAccount`: fleet indexing starts OFF whatever the state directory holds, to rehearse an
 * account where nobody enabled it yet.
 */
export function fleetService(fleet: FleetService, options: { freshAccount?: boolean } = {}): TwinServiceDefinition {
  return {
    models: [{ file: 'iot-fleet.json', model: fleet }],
    endpoints: [
      { key: 'iot', envVar: 'AWS_ENDPOINT_URL_IOT', service: 'iot', protocol: iotProtocol, routes: fleet.iotRoutes(), bodyLimit: JSON_BODY_LIMIT },
      { key: 'iotData', envVar: 'AWS_ENDPOINT_URL_IOT_DATA_PLANE', service: 'iot-data', protocol: iotDataProtocol, routes: fleet.iotDataRoutes(), bodyLimit: JSON_BODY_LIMIT },
    ],
    start: () => {
      if (options.freshAccount) fleet.indexing.reset(FRESH_ACCOUNT_INDEXING);
      fleet.start();
    },
    stop: () => fleet.stop(),
  };
}
