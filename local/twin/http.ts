/**
 * Shared HTTP plumbing for the twin's stand-ins: a route table on `node:http`, restJson1 error
 * replies, the call recorder and the fault-injection wrapper every request goes through.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultInjector } from './faults';

export type ServiceName = 'iot' | 'iot-data' | 'es' | 's3';

export interface RequestContext {
  readonly method: string;
  /** Raw (still percent-encoded) path, without the query string. */
  readonly path: string;
  /** Decoded path labels. */
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** An outcome fault the handler applies to the work it starts (see faults.ts OUTCOME_FAULTS). */
  readonly outcomeFault?: 'associationFailed';
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** An error the service itself would return; `extra` members are added to a JSON error body. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export interface Route {
  method: string;
  /** `/packages/{packageName}`; `{name+}` matches the rest of the path (one or more characters). */
  path: string;
  /** Operation name as recorded (`CreatePackage`); the recorder prefixes the service. */
  operation: string;
  /** Extra condition, for APIs (S3) that route on query parameters or headers. */
  when?: (ctx: RequestContext) => boolean;
  handle: (ctx: RequestContext) => Reply | Promise<Reply>;
}

/** How a protocol renders errors and which errors stand for the injected faults. */
export interface Protocol {
  errorReply(error: ServiceError, ctx: RequestContext): Reply;
  faultError(kind: 'throttle' | 'error5xx' | 'lostResponse'): ServiceError;
}

export function jsonReply(body: unknown, status = 200): Reply {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) };
}

/** restJson1 errors: status from the model, `x-amzn-ErrorType`, JSON body `{message, ...}`. */
export function restJsonProtocol(faults: {
  throttle: { status: number; code: string };
  server: { status: number; code: string };
}): Protocol {
  return {
    errorReply: (e) => ({
      status: e.status,
      headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': e.code },
      body: JSON.stringify({ message: e.message, ...e.extra }),
    }),
    faultError: (kind) =>
      kind === 'throttle'
        ? new ServiceError(faults.throttle.status, faults.throttle.code, 'Rate exceeded (twin fault injection)')
        : new ServiceError(
            faults.server.status,
            faults.server.code,
            kind === 'lostResponse'
              ? 'Internal failure (twin fault injection: the change was applied, the response was lost)'
              : 'Internal failure (twin fault injection)',
          ),
  };
}

/** Parses a JSON request body; an empty body is `{}`. */
export function parseJsonBody(ctx: RequestContext): Record<string, unknown> {
  if (ctx.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(ctx.body.toString('utf8'));
  } catch {
    throw new ServiceError(400, 'SerializationException', 'Request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ServiceError(400, 'SerializationException', 'Request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** `failed` counts every non-2xx answer; `injected` how many of those were the twin's injected faults. */
export type CallCounts = Record<string, { succeeded: number; failed: number; injected?: number }>;

/** Counts kept elsewhere (the DynamoDB worker thread), shown and reset with the recorder's own. */
export interface CallCountSource {
  snapshot(): CallCounts;
  reset(): void;
}

/** Counts every request as `service:Operation`. */
export class CallRecorder {
  private counts = new Map<string, { succeeded: number; failed: number; injected?: number }>();
  private readonly sources: CallCountSource[] = [];

  include(source: CallCountSource): void {
    this.sources.push(source);
  }

  record(operation: string, ok: boolean, injected = false): void {
    const entry = this.counts.get(operation) ?? { succeeded: 0, failed: 0 };
    if (ok) entry.succeeded++;
    else entry.failed++;
    if (injected) entry.injected = (entry.injected ?? 0) + 1;
    this.counts.set(operation, entry);
  }

  snapshot(): CallCounts {
    const all = [...this.counts.entries(), ...this.sources.flatMap((s) => Object.entries(s.snapshot()))];
    const out: CallCounts = {};
    for (const [op, c] of all.sort(([a], [b]) => a.localeCompare(b))) out[op] = { ...c };
    return out;
  }

  reset(): void {
    this.counts.clear();
    for (const source of this.sources) source.reset();
  }
}

interface CompiledRoute {
  route: Route;
  segments: { literal?: string; label?: string; greedy?: boolean }[];
}

function compile(route: Route): CompiledRoute {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((s) => {
      const m = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(s);
      return m ? { label: m[1], greedy: m[2] === '+' } : { literal: s };
    });
  return { route, segments };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ServiceError(400, 'ValidationException', `Malformed percent-encoding in path: ${segment}`);
  }
}

/** Matches a raw path; a single trailing slash is ignored unless a greedy label takes it. */
function matchPath(compiled: CompiledRoute, path: string): Record<string, string> | undefined {
  const parts = path.split('/').slice(1);
  const params: Record<string, string> = {};
  const segs = compiled.segments;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (seg.greedy && seg.label) {
      const rest = parts.slice(i).join('/');
      if (rest === '') return undefined;
      params[seg.label] = decode(rest);
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.literal !== undefined) {
      if (seg.literal !== part) return undefined;
    } else if (seg.label) {
      if (part === '') return undefined;
      params[seg.label] = decode(part);
    }
  }
  const extra = parts.slice(segs.length);
  if (extra.length === 0 || (extra.length === 1 && extra[0] === '')) return params;
  return undefined;
}

export interface ServiceServerOptions {
  service: ServiceName;
  routes: Route[];
  protocol: Protocol;
  faults: FaultInjector;
  recorder: CallRecorder;
  /** Fixed port (`local serve --port`); 0 or absent: one chosen by the OS. */
  port?: number;
}

export interface ServiceServer {
  /** `http://127.0.0.1:<port>`: an IP literal, so the S3 client picks path-style addressing by itself. */
  readonly url: string;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let requestCounter = 0;

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Runs one request through routing, fault injection and the handler; never throws. */
async function dispatch(
  opts: ServiceServerOptions,
  compiled: CompiledRoute[],
  req: http.IncomingMessage,
): Promise<{ operation: string; reply: Reply; injected?: boolean }> {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const base = {
    method: (req.method ?? 'GET').toUpperCase(),
    path: q < 0 ? rawUrl : rawUrl.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)),
    headers: req.headers,
    body: await readBody(req),
  };
  let ctx: RequestContext = { ...base, params: {} };
  let operation = `${opts.service}:Unknown`;
  try {
    let found: Route | undefined;
    for (const c of compiled) {
      if (c.route.method !== base.method) continue;
      const params = matchPath(c, base.path);
      if (!params) continue;
      const candidate = { ...base, params };
      if (c.route.when && !c.route.when(candidate)) continue;
      found = c.route;
      ctx = candidate;
      break;
    }
    if (!found) {
      throw new ServiceError(404, 'UnknownOperationException', `The twin has no ${base.method} ${base.path}`);
    }
    operation = `${opts.service}:${found.operation}`;
    const decision = opts.faults.decide(operation);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (decision.fault === 'throttle' || decision.fault === 'error5xx') return { operation, reply: opts.protocol.errorReply(opts.protocol.faultError(decision.fault), ctx), injected: true };
    const reply = await found.handle(decision.fault === 'associationFailed' ? { ...ctx, outcomeFault: decision.fault } : ctx);
    // lostResponse: the change above is applied; only a successful reply is lost.
    if (decision.fault === 'lostResponse' && reply.status < 300) return { operation, reply: opts.protocol.errorReply(opts.protocol.faultError('lostResponse'), ctx), injected: true };
    return { operation, reply };
  } catch (err) {
    if (err instanceof ServiceError) return { operation, reply: opts.protocol.errorReply(err, ctx) };
    // A bug in the twin: log it loudly, answer with the service's 5xx.
    console.error(`[twin ${operation}]`, err);
    const e = opts.protocol.faultError('error5xx');
    const bug = new ServiceError(e.status, e.code, `twin bug: ${String(err)}`);
    return { operation, reply: opts.protocol.errorReply(bug, ctx) };
  }
}

/**
 * Pending connections the stand-ins accept at once: the SDK clients' pools (lib/clients/socket-pool.ts)
 * open hundreds of sockets in one burst when a large scenario starts; Node's default queue (511)
 * overflows and the kernel drops or resets them. The OS caps it (Linux: net.core.somaxconn).
 */
export const TWIN_LISTEN_BACKLOG = 4096;

/** Starts one stand-in on 127.0.0.1, on `opts.port` or a port chosen by the OS. */
export async function startServiceServer(opts: ServiceServerOptions): Promise<ServiceServer> {
  const compiled = opts.routes.map(compile);
  const server = http.createServer((req, res) => {
    dispatch(opts, compiled, req)
      .then(({ operation, reply, injected }) => {
        opts.recorder.record(operation, reply.status >= 200 && reply.status < 300, injected);
        const idHeader = opts.service === 's3' ? 'x-amz-request-id' : 'x-amzn-RequestId';
        res.writeHead(reply.status, { [idHeader]: `twin-${++requestCounter}`, ...reply.headers });
        res.end(req.method === 'HEAD' ? undefined : reply.body);
      })
      .catch((err) => {
        console.error('[twin] failed to send a reply', err);
        res.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: opts.port ?? 0, host: '127.0.0.1', backlog: TWIN_LISTEN_BACKLOG }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // SDK clients keep connections alive; without this, close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
