/**
 * The one shape every service of the twin has, so that index.ts starts, persists and shows them
 * all in one loop. A service (a folder: iot/, fleet/, opensearch/, s3/, dynamodb/) is built by its
 * `service.ts` from the twin's options and the other services it reads; it owns
 *   - models: its state, each with a view for display, an export and import for the state
 *     directory, and a change signal (the state directory writes on it);
 *   - endpoints: the HTTP APIs it serves, each on its own port and endpoint variable;
 *   - optionally start/stop, for work that runs on a timer (jobs and devices).
 * A new service is a new folder with a service.ts, added to the list in index.ts.
 */
import type { CallRecorder } from './calls';
import type { FaultInjector } from './faults';
import type { Protocol, Route, ServiceName } from './http';
import { type BodyLimit, type ServiceServer, startServiceServer } from './server';

/** Where a model keeps content-addressed blobs (S3 bodies) beside its JSON state. */
export interface BlobStore {
  writeBlob(hash: string, body: Buffer): void;
  readBlob(hash: string): Buffer;
}

export interface ServiceModel<State = unknown, View = unknown> {
  view(): View;
  exportState(blobs: BlobStore): State;
  importState(state: State, blobs: BlobStore): void;
  /** Called after every change. */
  onChange: () => void;
}

/** The twin's endpoints by the name `ports` and `endpoints` use. */
export type TwinService = 'iot' | 'iotData' | 'opensearch' | 's3' | 'dynamodb';

export interface ListenContext {
  faults: FaultInjector;
  recorder: CallRecorder;
  /** Fixed port (`local serve --port`); absent: chosen by the OS. */
  port?: number;
}

interface EndpointBase {
  key: TwinService;
  /** The SDK's endpoint variable for it (AWS_ENDPOINT_URL_<SERVICE>). */
  envVar: string;
}

/**
 * Served by the twin's own HTTP server (server.ts). Services that share an endpoint (the catalog
 * and the fleet on IoT's) each list theirs under the same key; the twin serves their routes on one port.
 */
export interface HttpEndpoint extends EndpointBase {
  service: ServiceName;
  protocol: Protocol;
  routes: Route[];
  bodyLimit: BodyLimit;
}

/** Served by something else (dynalite in its worker). */
export interface OwnServerEndpoint extends EndpointBase {
  listen(ctx: ListenContext): Promise<ServiceServer>;
}

export type Endpoint = HttpEndpoint | OwnServerEndpoint;

export interface TwinServiceDefinition {
  /** Each model with the file of the state directory it is kept in. */
  models: { file: string; model: ServiceModel }[];
  endpoints: Endpoint[];
  /** After the state is loaded and every endpoint listens. */
  start?(): void;
  stop?(): void;
}

/** One server per endpoint key: endpoints that share a key are served together, their routes in service order. */
export function listenAll(endpoints: Endpoint[], ctx: (key: TwinService) => ListenContext): { key: TwinService; envVar: string; listen: () => Promise<ServiceServer> }[] {
  const byKey = new Map<TwinService, Endpoint>();
  for (const e of endpoints) {
    const seen = byKey.get(e.key);
    if (!seen) byKey.set(e.key, 'listen' in e ? e : { ...e, routes: [...e.routes] });
    else if ('routes' in seen && 'routes' in e) seen.routes.push(...e.routes);
    else throw new Error(`twin: endpoint ${e.key} is claimed twice`);
  }
  return [...byKey.values()].map((e) => ({
    key: e.key,
    envVar: e.envVar,
    listen: () => ('listen' in e ? e.listen(ctx(e.key)) : startServiceServer({ service: e.service, routes: e.routes, protocol: e.protocol, bodyLimit: e.bodyLimit, ...ctx(e.key) })),
  }));
}
