/** Shared setup of the fleet twin tests: SDK clients for IoT and the IoT Data Plane, and a published package version. */
import { CreatePackageCommand, CreatePackageVersionCommand, IoTClient, UpdatePackageVersionCommand } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { clientConfig, type Twin } from '../../local/twin';

export function fleetClients(twin: Twin, maxAttempts = 1) {
  return {
    iot: new IoTClient({ ...clientConfig(twin, 'iot'), maxAttempts }),
    data: new IoTDataPlaneClient({ ...clientConfig(twin, 'iotData'), maxAttempts }),
  };
}

/** Creates package `p` with version `v` (with an artifact) and publishes it unless told otherwise. */
export async function packageVersion(iot: IoTClient, p: string, v: string, publish = true): Promise<string> {
  await iot.send(new CreatePackageCommand({ packageName: p })).catch((e: Error) => {
    if (e.name !== 'ConflictException') throw e;
  });
  const created = await iot.send(new CreatePackageVersionCommand({ packageName: p, versionName: v, artifact: { s3Location: { bucket: 'artifacts', key: `${p}/${v}.zip`, version: '1' } } }));
  if (publish) await iot.send(new UpdatePackageVersionCommand({ packageName: p, versionName: v, action: 'PUBLISH' }));
  return created.packageVersionArn!;
}

export const groupArn = (twin: Twin, group: string) => `arn:aws:iot:${twin.region}:${twin.accountId}:thinggroup/${group}`;
export const thingArn = (twin: Twin, thing: string) => `arn:aws:iot:${twin.region}:${twin.accountId}:thing/${thing}`;

export const DOCUMENT = JSON.stringify({ version: '1.0', steps: [{ action: { name: 'install', type: 'runHandler', input: { handler: 'install.sh' } } }] });
