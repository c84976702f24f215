/**
 * The server every stand-in runs on: loopback only (loopback.mjs), bodies within a limit
 * (limits.ts), then routing, fault injection (faults.ts), the handler and the call count.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallRecorder } from './calls';
import type { FaultInjector } from './faults';
import { type Protocol, type Reply, type RequestContext, type Route, ServiceError, type ServiceName } from './http';
import { foreignRequestReason } from './loopback.mjs';
import { continueWithin, endUnread, readBodyWithin } from './request-body';
import { compile, type CompiledRoute, matchPath } from './router';

/** The most a request body may hold, and the service's own error for one that holds more. */
export interface BodyLimit {
  bytes: number;
  error(limit: number, size: number | undefined): ServiceError;
}

export interface ServiceServerOptions {
  service: ServiceName;
  routes: Route[];
  protocol: Protocol;
  faults: FaultInjector;
  recorder: CallRecorder;
  /** Fixed port (`local serve --port`); 0 or absent: one chosen by the OS. */
  port?: number;
  bodyLimit: BodyLimit;
}

export interface ServiceServer {
  /** `http://127.0.0.1:<port>`: an IP literal, so the S3 client picks path-style addressing by itself. */
  readonly url: string;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let requestCounter = 0;

const emptyContext: RequestContext = { method: 'GET', path: '/', params: {}, query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0) };

/** Runs one request through routing, fault injection and the handler; never throws. */
async function dispatch(
  opts: ServiceServerOptions,
  compiled: CompiledRoute[],
  req: http.IncomingMessage,
): Promise<{ operation: string; reply: Reply; injected?: boolean; unread?: boolean }> {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const base = {
    method: (req.method ?? 'GET').toUpperCase(),
    path: q < 0 ? rawUrl : rawUrl.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)),
    headers: req.headers,
    body: Buffer.alloc(0),
  };
  let ctx: RequestContext = { ...base, params: {} };
  let operation = `${opts.service}:Unknown`;
  let bodyRead = false;
  try {
    // Routes choose by method, path, query and headers, never by body: route first, so that a body
    // over the limit is refused under its operation's name.
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
    const read = await readBodyWithin(req, opts.bodyLimit.bytes);
    if ('tooLarge' in read) throw opts.bodyLimit.error(read.tooLarge.limit, read.tooLarge.size);
    bodyRead = true;
    ctx = { ...ctx, body: read.body };
    const decision = opts.faults.decide(operation);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (decision.fault === 'throttle' || decision.fault === 'error5xx') return { operation, reply: opts.protocol.errorReply(opts.protocol.faultError(decision.fault), ctx), injected: true };
    const reply = await found.handle(decision.fault === 'associationFailed' ? { ...ctx, outcomeFault: decision.fault } : ctx);
    // lostResponse: the change above is applied; only a successful reply is lost.
    if (decision.fault === 'lostResponse' && reply.status < 300) return { operation, reply: opts.protocol.errorReply(opts.protocol.faultError('lostResponse'), ctx), injected: true };
    return { operation, reply };
  } catch (err) {
    if (err instanceof ServiceError) return { operation, reply: opts.protocol.errorReply(err, ctx), unread: !bodyRead };
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
    const foreign = foreignRequestReason(req);
    if (foreign) {
      // Not counted: no client of the twin sent it.
      const reply = opts.protocol.errorReply(new ServiceError(403, opts.service === 's3' ? 'AccessDenied' : 'AccessDeniedException', `twin: ${foreign}`), { ...emptyContext, headers: req.headers });
      endUnread(req, res);
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
      return;
    }
    dispatch(opts, compiled, req)
      .then(({ operation, reply, injected, unread }) => {
        opts.recorder.record(operation, reply.status >= 200 && reply.status < 300, injected);
        if (unread) endUnread(req, res);
        const idHeader = opts.service === 's3' ? 'x-amz-request-id' : 'x-amzn-RequestId';
        res.writeHead(reply.status, { [idHeader]: `twin-${++requestCounter}`, ...reply.headers });
        res.end(req.method === 'HEAD' ? undefined : reply.body);
      })
      .catch((err) => {
        console.error('[twin] failed to send a reply', err);
        res.destroy();
      });
  });
  continueWithin(server, opts.bodyLimit.bytes);
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
