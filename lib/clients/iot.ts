import {
  CreatePackageCommand,
  CreatePackageVersionCommand,
  GetPackageCommand,
  GetPackageVersionCommand,
  type GetPackageVersionCommandOutput,
  type IoTClient,
  paginateListPackageVersions,
  UpdatePackageCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';

/** One helper per IoT call the release makes; "not found" is a value, not an exception. */

export type PackageVersion = GetPackageVersionCommandOutput;

export async function getPackage(iot: IoTClient, packageName: string) {
  return orUndefinedIfNotFound(iot.send(new GetPackageCommand({ packageName })));
}

export async function createPackage(iot: IoTClient, packageName: string, clientToken: string) {
  return iot.send(new CreatePackageCommand({ packageName, clientToken }));
}

export async function getPackageVersion(iot: IoTClient, packageName: string, versionName: string) {
  return orUndefinedIfNotFound(iot.send(new GetPackageVersionCommand({ packageName, versionName })));
}

export async function createPackageVersion(iot: IoTClient, input: ConstructorParameters<typeof CreatePackageVersionCommand>[0]) {
  return iot.send(new CreatePackageVersionCommand(input));
}

export async function publishPackageVersion(iot: IoTClient, packageName: string, versionName: string, clientToken: string) {
  return iot.send(new UpdatePackageVersionCommand({ packageName, versionName, action: 'PUBLISH', clientToken }));
}

export async function setDefaultVersion(iot: IoTClient, packageName: string, defaultVersionName: string, clientToken: string) {
  return iot.send(new UpdatePackageCommand({ packageName, defaultVersionName, clientToken }));
}

/** Names of the package's PUBLISHED versions (all pages). */
export async function listPublishedVersions(iot: IoTClient, packageName: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListPackageVersions({ client: iot }, { packageName, status: 'PUBLISHED' })) {
    for (const v of page.packageVersionSummaries ?? []) if (v.versionName) names.push(v.versionName);
  }
  return names;
}

async function orUndefinedIfNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if ((e as Error).name === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

export async function deprecatePackageVersion(iot: IoTClient, packageName: string, versionName: string, clientToken: string) {
  return iot.send(new UpdatePackageVersionCommand({ packageName, versionName, action: 'DEPRECATE', clientToken }));
}

/** Names and statuses of every version of the package (all pages). */
export async function listVersions(iot: IoTClient, packageName: string): Promise<{ versionName: string; status: string }[]> {
  const versions: { versionName: string; status: string }[] = [];
  for await (const page of paginateListPackageVersions({ client: iot }, { packageName })) {
    for (const v of page.packageVersionSummaries ?? []) if (v.versionName) versions.push({ versionName: v.versionName, status: String(v.status) });
  }
  return versions;
}
