/**
 * The local twin: in-process stand-ins for IoT Software Package Catalog, OpenSearch custom
 * packages, S3 and DynamoDB, reached by the real AWS SDK v3 over HTTP on 127.0.0.1. Production
 * code finds them only through the SDK's standard endpoint variables (see `env()`).
 */
import { join } from 'node:path';
import { FaultInjector, type FaultRule } from './faults';
import { CallRecorder, startServiceServer, type CallCounts, type Protocol, type Route, type ServiceName, type ServiceServer } from './http';
import { IotCatalog, iotProtocol, type IotCatalogView, type IotStateJson } from './iot';
import { OpenSearchApi, opensearchProtocol } from './opensearch';
import { type DomainSpec, type DomainsStateJson, OpenSearchDomains } from './opensearch-domains';
import { DEFAULT_TIMING, type ImportedSource, OpenSearchPackages, type OpenSearchStateJson, type OpenSearchTiming, type PackageIdForm, type PackageStatus } from './opensearch-packages';
import { S3Store, type S3StateJson } from './s3-store';
import { s3Protocol, s3Routes } from './s3';
import { startDynamo, type DynamoTwin } from './dynamo';
import { StateDir } from './persist';
import { type DeviceGroupSpec } from './devices/devices';
import { FleetService, type FleetStateJson, type FleetView } from './fleet/service';
import { iotDataProtocol } from './shadows/api';

export type { FaultRule, FaultKind } from './faults';
export { faultRuleSchema, faultRulesSchema } from './faults';
export type { CallCounts } from './http';
export type { OpenSearchTiming, PackageIdForm } from './opensearch-packages';
export type { DomainSpec } from './opensearch-domains';
export type { DeviceGroupSpec } from './devices/devices';
export { deviceGroupSchema, deviceGroupsSchema } from './devices/devices';
export type { FleetView } from './fleet/service';
export type { ObjectCreatedEvent, ObjectCreatedListener, S3ObjectVersion, S3Store } from './s3-store';

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
  /** Simulated devices: groups of things that take job executions (docs/fleet-twin.md). */
  devices?: DeviceGroupSpec[];
}

export interface TwinCatalog {
  iot: IotCatalogView;
  opensearch: {
    [packageName: string]: {
      id: string;
      status: PackageStatus;
      availableVersion: string | null;
      history: { version: string; commitMessage: string | null; createdAt: string; source: ImportedSource | null }[];
      /** Every version the package started serving, in order (AvailablePackageVersion changes). */
      served: { version: string; at: string }[];
      errorDetails?: { ErrorType: string; ErrorMessage: string };
    };
  };
  domains: { [domainName: string]: TwinDomainView };
}

/** One domain: per package what it runs and what is in progress, and every version it ran. */
export interface TwinDomainView {
  engineVersion: string;
  packages: {
    [packageName: string]: {
      id: string;
      /** The version the domain runs (ACTIVE), null before its first association finished. */
      runs: string | null;
      status: string;
      /** The version being associated / dissociated / that failed, when not the one it runs. */
      pending?: string;
      errorDetails?: { ErrorType: string; ErrorMessage: string };
    };
  };
  /** Versions that became ACTIVE, oldest first. */
  timeline: { package: string; version: string; commitMessage: string | null; activeAt: string }[];
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

const FILES = { iot: 'iot.json', opensearch: 'opensearch.json', domains: 'opensearch-domains.json', s3: 's3.json', fleet: 'iot-fleet.json' } as const;

export async function startTwin(options: TwinOptions = {}): Promise<Twin> {
  const seed = options.seed ?? 1;
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const idempotencyTable = options.idempotencyTable ?? 'pkgrelease-idempotency';
  const credentials = { accessKeyId: 'twin', secretAccessKey: 'twin-secret' };

  const s3 = new S3Store(seed);
  const iot = new IotCatalog(region, accountId);
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
  });

  const state = options.stateDir ? new StateDir(options.stateDir) : undefined;
  if (state) {
    const fleetState = state.readJson<FleetStateJson>(FILES.fleet);
    if (fleetState) fleet.importState(fleetState);
    fleet.onChange = () => state.schedule(FILES.fleet, () => fleet.exportState());
    const s3State = state.readJson<S3StateJson>(FILES.s3);
    if (s3State) s3.importState(s3State, (hash) => state.readBlob(hash));
    const iotState = state.readJson<IotStateJson>(FILES.iot);
    if (iotState) iot.importState(iotState);
    const osState = state.readJson<OpenSearchStateJson>(FILES.opensearch);
    if (osState) packages.importState(osState);
    const domainState = state.readJson<DomainsStateJson>(FILES.domains);
    if (domainState) domains.importState(domainState);
    s3.onChange = () =>
      state.schedule(FILES.s3, () => {
        const { state: json, bodies } = s3.exportState();
        for (const [hash, body] of bodies) state.writeBlob(hash, body);
        return json;
      });
    iot.onChange = () => state.schedule(FILES.iot, () => iot.exportState());
    packages.onChange = () => state.schedule(FILES.opensearch, () => packages.exportState());
    domains.onChange = () => state.schedule(FILES.domains, () => domains.exportState());
  }
  for (const spec of options.domains ?? []) domains.create(spec);

  const faults = new FaultInjector(seed, options.faults ?? []);
  const recorder = new CallRecorder();
  const servers: ServiceServer[] = [];
  let dynamo: DynamoTwin | undefined;
  try {
    const start = async (service: ServiceName, routes: Route[], protocol: Protocol) => {
      const port = options.ports?.[service === 'es' ? 'opensearch' : service === 'iot-data' ? 'iotData' : service];
      const server = await startServiceServer({ service, routes, protocol, faults, recorder, port });
      servers.push(server);
      return server.url;
    };
    const endpoints = {
      iot: await start('iot', [...iot.routes(), ...fleet.iotRoutes()], iotProtocol),
      iotData: await start('iot-data', fleet.iotDataRoutes(), iotDataProtocol),
      opensearch: await start('es', new OpenSearchApi(packages, domains, accountId).routes(), opensearchProtocol),
      s3: await start('s3', s3Routes(s3), s3Protocol),
      dynamodb: '',
    };
    dynamo = await startDynamo({
      tableName: idempotencyTable,
      region,
      credentials,
      path: options.stateDir ? join(options.stateDir, 'dynamodb') : undefined,
      port: options.ports?.dynamodb,
      recorder,
    });
    endpoints.dynamodb = dynamo.endpoint;
    const dynamoTwin = dynamo;
    fleet.start();

    let closing: Promise<void> | undefined;
    return {
      endpoints,
      region,
      accountId,
      credentials,
      idempotencyTable,
      s3,
      env: () => ({
        AWS_ENDPOINT_URL_IOT: endpoints.iot,
        AWS_ENDPOINT_URL_IOT_DATA_PLANE: endpoints.iotData,
        AWS_ENDPOINT_URL_OPENSEARCH: endpoints.opensearch,
        AWS_ENDPOINT_URL_S3: endpoints.s3,
        AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        // Plain bodies and no checksum round trips; the S3 stand-in copes with either way.
        AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
        AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
        [IDEMPOTENCY_TABLE_ENV]: idempotencyTable,
      }),
      catalog: () => ({
        iot: iot.view(),
        opensearch: Object.fromEntries(
          packages.all().map((p) => [
            p.name,
            {
              id: p.id,
              status: packages.status(p),
              availableVersion: p.availableVersion ?? null,
              history: p.history.map((h) => ({ version: h.version, commitMessage: h.commitMessage ?? null, createdAt: new Date(h.createdAt).toISOString(), source: h.source ?? null })),
              served: (p.servedLog ?? []).map((e) => ({ version: e.version, at: new Date(e.at).toISOString() })),
              ...(p.errorDetails && !p.pending && { errorDetails: { ...p.errorDetails } }),
            },
          ]),
        ),
        domains: Object.fromEntries(domains.all().map((d) => [d.name, domainView(d.name, d.engineVersion, packages, domains)])),
      }),
      createDomain: (spec, names = []) => {
        domains.create(spec);
        for (const name of names) {
          const pkg = packages.byName(name);
          if (!pkg || packages.status(pkg) !== 'AVAILABLE') throw new Error(`cannot associate OpenSearch package "${name}" with domain ${spec.name}: it does not exist or is not AVAILABLE yet`);
          domains.preassociate(pkg, spec.name);
        }
      },
      calls: () => recorder.snapshot(),
      iotTokenUses: () =>
        iot.exportState().tokens.map(([key]) => {
          const [operation = '', resource = '', token = ''] = key.split(' ');
          return { operation, resource, token };
        }),
      resetCalls: () => recorder.reset(),
      fleet: () => fleet.view(),
      declareDevices: (groups) => fleet.devices.declare(groups),
      setFaults: (rules) => faults.setRules(rules),
      close: () =>
        (closing ??= (async () => {
          fleet.stop();
          await Promise.all([...servers.map((s) => s.close()), dynamoTwin.close()]);
          state?.flush();
        })()),
    };
  } catch (err) {
    await Promise.allSettled([...servers.map((s) => s.close()), dynamo?.close()]);
    throw err;
  }
}

function domainView(name: string, engineVersion: string, packages: OpenSearchPackages, domains: OpenSearchDomains): TwinDomainView {
  const byId = (id: string) => packages.get(id)?.name ?? id;
  return {
    engineVersion,
    packages: Object.fromEntries(
      domains.associationsOf({ domainName: name }).map((a) => {
        const status = domains.status(a);
        return [
          byId(a.packageId),
          {
            id: a.packageId,
            runs: a.activeVersion ?? null,
            status,
            ...(a.op.version !== a.activeVersion && { pending: a.op.version }),
            ...(status === 'ASSOCIATION_FAILED' && a.op.failure && { errorDetails: { ...a.op.failure } }),
          },
        ];
      }),
    ),
    timeline: domains.timeline(name).map((t) => ({ package: t.packageName, version: t.version, commitMessage: t.commitMessage ?? null, activeAt: new Date(t.activeAt).toISOString() })),
  };
}

export type TwinService = 'iot' | 'iotData' | 'opensearch' | 's3' | 'dynamodb';

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
  const s3 = new S3Store(1);
  const fleet = new FleetService({ region: 'us-east-1', accountId: '000000000000', seed: 1, packageVersion: () => undefined, readObject: () => undefined });
  const routes = {
    iot: [...new IotCatalog('us-east-1', '000000000000').routes(), ...fleet.iotRoutes()],
    'iot-data': fleet.iotDataRoutes(),
    es: (() => {
      const packages = new OpenSearchPackages(s3, DEFAULT_TIMING, 1);
      return new OpenSearchApi(packages, new OpenSearchDomains(packages, { operationMs: 0, pluginOperationMs: 0 }), '000000000000').routes();
    })(),
    s3: s3Routes(s3),
  };
  return Object.entries(routes).flatMap(([service, list]) => [...new Set(list.map((r) => `${service}:${r.operation}`))]).sort();
}
