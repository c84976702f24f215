/**
 * The local twin: in-process stand-ins for IoT Software Package Catalog, OpenSearch custom
 * packages, S3 and DynamoDB, reached by the real AWS SDK v3 over HTTP on 127.0.0.1. Production
 * code finds them only through the SDK's standard endpoint variables (see `env()`).
 */
import { CallRecorder, type CallCounts } from './core/calls';
import { FaultInjector, type FaultRule } from './core/faults';
import { StateDir } from './core/persist';
import type { ServiceServer } from './core/server';
import { listenAll, type TwinService, type TwinServiceDefinition } from './core/service';
import { dynamodbService } from './dynamodb/service';
import type { DeviceGroupSpec } from './fleet/devices/devices';
import { FleetService, type FleetView } from './fleet/fleet';
import { FRESH_ACCOUNT_INDEXING, PACKAGE_CATALOG_INDEXING } from './fleet/fleet-index/indexing-config';
import { fleetService } from './fleet/service';
import { fleetIndexingRequired, IotCatalog, type IotCatalogView } from './iot/catalog';
import { iotService } from './iot/service';
import { type SbomView, SbomValidations } from './iot-sbom/sboms';
import { sbomService } from './iot-sbom/service';
import { type DomainSpec, type DomainsView, OpenSearchDomains } from './opensearch/domains';
import { DEFAULT_TIMING, OpenSearchPackages, type OpenSearchPackagesView, type OpenSearchTiming, type PackageIdForm } from './opensearch/packages';
import { opensearchService } from './opensearch/service';
import { s3Service } from './s3/service';
import { S3Store } from './s3/store';

export type { FaultRule, FaultKind } from './core/faults';
export { faultRuleSchema, faultRulesSchema } from './core/faults';
export type { CallCounts } from './core/calls';
export type { TwinService } from './core/service';
export type { OpenSearchTiming, PackageIdForm } from './opensearch/packages';
export type { DomainSpec, TwinDomainView } from './opensearch/domains';
export type { DeviceGroupSpec } from './fleet/devices/devices';
export { deviceGroupSchema, deviceGroupsSchema } from './fleet/devices/devices';
export type { FleetView } from './fleet/fleet';
export type { ObjectCreatedEvent, ObjectCreatedListener, S3ObjectVersion } from './s3/model';
export type { S3Store } from './s3/store';

/** Environment variable carrying the Powertools idempotency table name to the handlers (as in serverless.yml). */
export const IDEMPOTENCY_TABLE_ENV = 'IDEMPOTENCY_TABLE';

export interface TwinOptions {
  /** Seeds fault decisions, S3 version ids and OpenSearch package ids (default 1). */
  seed?: number;
  faults?: FaultRule[];
  opensearchTiming?: OpenSearchTiming;
  /** Which of the two package ID forms AWS issues the twin hands out (default `F` + digits). */
  packageIdForm?: PackageIdForm;
  /** OpenSearch domains that exist from the start (kept, with any persisted ones). */
  domains?: DomainSpec[];
  /** Persist IoT / OpenSearch / S3 / DynamoDB state here and reload it on start. */
  stateDir?: string;
  region?: string;
  accountId?: string;
  idempotencyTable?: string;
  /** Fixed ports per stand-in (`local serve --port`); absent: chosen by the OS. */
  ports?: Partial<Record<TwinService, number>>;
  /** Wall time per simulated time for jobs and devices (local/engine/time-scale.ts); default 1. */
  timeScale?: number;
  /** Wall time per simulated time for AWS IoT's SBOM validation (iot-sbom/sboms.ts); default timeScale. */
  sbomTimeScale?: number;
  /** Simulated devices: groups of things that take job executions (docs/fleet-twin.md). */
  devices?: DeviceGroupSpec[];
  /**
   * false: the account's fleet indexing is OFF at start (even if the state directory says
   * otherwise), as in an account nobody prepared, so CreatePackage and CreatePackageVersion fail.
   * Default: a fresh state starts with what Software Package Catalog needs (PACKAGE_CATALOG_INDEXING).
   */
  fleetIndexing?: boolean;
}

export interface TwinCatalog {
  iot: IotCatalogView;
  /** Each package version's SBOM (`<package>/<version>`) and its validation status. */
  sboms: SbomView;
  opensearch: OpenSearchPackagesView;
  domains: DomainsView;
}

export interface Twin {
  readonly endpoints: Readonly<{ iot: string; iotData: string; opensearch: string; s3: string; dynamodb: string }>;
  readonly region: string;
  readonly accountId: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  readonly idempotencyTable: string;
  /** Direct access to the twin's S3 objects (put/get/list, onObjectCreated). */
  readonly s3: S3Store;
  /** Variables that point unmodified SDK clients at the twin. */
  env(): Record<string, string>;
  /** IoT and OpenSearch state for display. */
  catalog(): TwinCatalog;
  /** Requests per `service:Operation`, failed = any non-2xx (injected faults included). */
  calls(): CallCounts;
  /** Every IoT change applied under a clientToken: who changed what (the campaign's per-release call check). */
  iotTokenUses(): { operation: string; resource: string; token: string }[];
  resetCalls(): void;
  /**
   * Creates an OpenSearch domain (the twin has no domain API). `packages` (names, each AVAILABLE)
   * are associated and ACTIVE at once, as on a domain that already used them.
   */
  createDomain(spec: DomainSpec, packages?: string[]): void;
  /** Things, jobs, devices and the versions their `$package` shadows report. */
  fleet(): FleetView;
  /** Declares (or re-declares, e.g. once "fixed") simulated device groups. */
  declareDevices(groups: DeviceGroupSpec[]): void;
  /** Replaces the fault rules (validated with faultRulesSchema). */
  setFaults(rules: FaultRule[]): void;
  close(): Promise<void>;
}

/** The models and services of one twin; `startTwin` runs them, `twinOperations` only reads their routes. */
function buildServices(options: TwinOptions) {
  const seed = options.seed ?? 1;
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const s3 = new S3Store(seed);
  const iot = new IotCatalog(region, accountId, {
    requireCatalogEnabled: () => {
      if (!fleet.indexing.thingIndexingOn()) throw fleetIndexingRequired();
    },
  });
  const sboms = new SbomValidations(s3, {
    timeScale: options.sbomTimeScale ?? options.timeScale,
    versionCreatedAt: (p, v) => {
      try {
        return iot.version(p, v).creationDate;
      } catch {
        return undefined;
      }
    },
  });
  const timing = options.opensearchTiming ?? DEFAULT_TIMING;
  const packages = new OpenSearchPackages(s3, timing, seed, Date.now, options.packageIdForm);
  const associatingMs = timing.associatingMs ?? timing.copyingMs + timing.validatingMs;
  const domains = new OpenSearchDomains(packages, { operationMs: associatingMs, pluginOperationMs: timing.pluginAssociatingMs ?? 5 * associatingMs });
  const fleet = new FleetService({
    region,
    accountId,
    seed,
    timeScale: options.timeScale,
    devices: options.devices,
    packageVersion: (p, v) => {
      const version = iot.view()[p]?.versions[v];
      return version && { status: version.status, artifact: version.artifact };
    },
    readObject: (bucket, key) => (s3.hasBucket(bucket) ? s3.findObject(bucket, key)?.body.toString('utf8') : undefined),
    indexing: options.fleetIndexing === false ? FRESH_ACCOUNT_INDEXING : PACKAGE_CATALOG_INDEXING,
  });
  const credentials = { accessKeyId: 'twin', secretAccessKey: 'twin-secret' };
  const idempotencyTable = options.idempotencyTable ?? 'pkgrelease-idempotency';
  // Order matters twice: state loads in this order, and services sharing an endpoint serve their routes in it.
  const services: TwinServiceDefinition[] = [
    s3Service(s3),
    iotService(iot, (p, v) => sboms.of(p, v)),
    sbomService(iot, sboms),
    fleetService(fleet, { freshAccount: options.fleetIndexing === false }),
    opensearchService(packages, domains, accountId, region),
    dynamodbService({ tableName: idempotencyTable, region, credentials, stateDir: options.stateDir }),
  ];
  return { seed, region, accountId, credentials, idempotencyTable, s3, iot, sboms, packages, domains, fleet, services };
}

export async function startTwin(options: TwinOptions = {}): Promise<Twin> {
  const { seed, region, accountId, credentials, idempotencyTable, s3, iot, sboms, packages, domains, fleet, services } = buildServices(options);
  const state = options.stateDir ? new StateDir(options.stateDir) : undefined;
  if (state) {
    for (const { file, model } of services.flatMap((s) => s.models)) {
      const json = state.readJson(file);
      if (json) model.importState(json, state);
      model.onChange = () => state.schedule(file, () => model.exportState(state));
    }
  }
  for (const spec of options.domains ?? []) domains.create(spec);

  const faults = new FaultInjector(seed, options.faults ?? []);
  const recorder = new CallRecorder();
  const servers: ServiceServer[] = [];
  try {
    const endpoints = {} as Record<TwinService, string>;
    const env: Record<string, string> = {};
    for (const endpoint of listenAll(services.flatMap((s) => s.endpoints), (key) => ({ faults, recorder, port: options.ports?.[key] }))) {
      const server = await endpoint.listen();
      servers.push(server);
      endpoints[endpoint.key] = server.url;
      env[endpoint.envVar] = server.url;
    }
    for (const service of services) service.start?.();

    let closing: Promise<void> | undefined;
    return {
      endpoints,
      region,
      accountId,
      credentials,
      idempotencyTable,
      s3,
      env: () => ({
        ...env,
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        // Plain bodies and no checksum round trips; the S3 stand-in copes with either way.
        AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
        AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
        [IDEMPOTENCY_TABLE_ENV]: idempotencyTable,
      }),
      catalog: () => ({ iot: iot.view(), sboms: sboms.view(), opensearch: packages.view(), domains: domains.view() }),
      createDomain: (spec, names = []) => {
        domains.create(spec);
        for (const name of names) {
          const pkg = packages.byName(name);
          if (!pkg || packages.status(pkg) !== 'AVAILABLE') throw new Error(`cannot associate OpenSearch package "${name}" with domain ${spec.name}: it does not exist or is not AVAILABLE yet`);
          domains.preassociate(pkg, spec.name);
        }
      },
      calls: () => recorder.snapshot(),
      iotTokenUses: () => iot.tokenUses(),
      resetCalls: () => recorder.reset(),
      fleet: () => fleet.view(),
      declareDevices: (groups) => fleet.devices.declare(groups),
      setFaults: (rules) => faults.setRules(rules),
      close: () =>
        (closing ??= (async () => {
          for (const service of services) service.stop?.();
          await Promise.all(servers.map((s) => s.close()));
          state?.flush();
        })()),
    };
  } catch (err) {
    await Promise.allSettled(servers.map((s) => s.close()));
    throw err;
  }
}

export interface TwinClientConfig {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  endpoint: string;
}

export interface TwinS3ClientConfig extends TwinClientConfig {
  forcePathStyle: true;
  requestChecksumCalculation: 'WHEN_REQUIRED';
  responseChecksumValidation: 'WHEN_REQUIRED';
}

/** Explicit SDK client config for one stand-in (tests); S3 also gets path-style and checksum modes. */
export function clientConfig(twin: Twin, service: 's3'): TwinS3ClientConfig;
export function clientConfig(twin: Twin, service: Exclude<TwinService, 's3'>): TwinClientConfig;
export function clientConfig(twin: Twin, service: TwinService): TwinClientConfig | TwinS3ClientConfig {
  const base = { region: twin.region, credentials: { ...twin.credentials }, endpoint: twin.endpoints[service] };
  if (service !== 's3') return base;
  return { ...base, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' };
}

/**
 * Every `service:Operation` the twin implements (what fault rules and call counts name), read from
 * the stand-ins' own route tables so the list cannot drift from what is served.
 */
export function twinOperations(): string[] {
  const operations = buildServices({})
    .services.flatMap((s) => s.endpoints)
    .flatMap((e) => ('routes' in e ? e.routes.map((r) => `${e.service}:${r.operation}`) : []));
  return [...new Set(operations)].sort();
}
