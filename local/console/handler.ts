import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { ExecutionStatus } from '@aws-sdk/client-sfn';
import { executionDetail, graph, LIST_LIMIT, listExecutions } from './read-model';
import { newExecution, previewRollbackAction, type RollbackRequest, redrive, rollback, upload, withRollbackTargets } from './actions';
import type { ConsoleDeps } from './deps';
import { S3_MAX_REQUEST_BYTES } from '../twin/core/limits';
import { foreignRequestReason } from '../twin/core/loopback.mjs';

export type { ConsoleDeps } from './deps';

/**
 * The local console: static pages plus a small JSON API over the Step Functions API, S3 and the
 * twin's catalog. Mounted on the serve port for every request that is not a Step Functions call.
 *
 * Loopback only: the server listens on 127.0.0.1, requests naming another host or sent by a page of
 * another origin are refused (local/twin/core/loopback.mjs), and every POST must carry
 * CONSOLE_HEADER, which a cross-site form cannot send.
 */
export const CONSOLE_HEADER = 'x-pkgrelease-console';
/** An upload is one PutObject to the twin's S3: the most that takes. */
const MAX_UPLOAD_BYTES = S3_MAX_REQUEST_BYTES;

const STATIC_DIR = new URL('./static/', import.meta.url);
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** The page's files by URL path (listed once: nothing outside static/ can be asked for), and Mermaid. */
const STATIC: Record<string, string | URL> = {
  '/': new URL('index.html', STATIC_DIR),
  ...Object.fromEntries(readdirSync(STATIC_DIR).map((name) => [`/${name}`, new URL(name, STATIC_DIR)])),
  // Mermaid from node_modules: the page loads nothing from the internet.
  '/vendor/mermaid.min.js': createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js'),
};

type Route = (deps: ConsoleDeps, url: URL, body: Buffer) => Promise<unknown>;

const GET: Record<string, Route> = {
  '/api/graph': async () => graph(),
  '/api/executions': async (deps, url) => ({ executions: await listExecutions(deps, status(url)), limit: LIST_LIMIT }),
  '/api/execution': (deps, url) => executionDetail(deps, required(url, 'arn')),
  '/api/catalog': async (deps) => withRollbackTargets(deps.catalog()),
  '/api/packages': async (deps) => deps.configuredPackages(),
};

const POST: Record<string, Route> = {
  '/api/redrive': (deps, url) => redrive(deps, required(url, 'arn')),
  '/api/new-execution': (deps, url) => newExecution(deps, required(url, 'arn')),
  '/api/upload': (deps, url, body) =>
    upload(deps, { packageName: url.searchParams.get('package') ?? '', versionName: url.searchParams.get('version') ?? '', fileName: url.searchParams.get('file') ?? '', body }),
  '/api/rollback-preview': (deps, url) => previewRollbackAction(deps, rollbackRequest(url)),
  '/api/rollback': (deps, url) => rollback(deps, rollbackRequest(url)),
};

function rollbackRequest(url: URL): RollbackRequest {
  return { packageName: required(url, 'package'), targetVersion: required(url, 'to'), reason: url.searchParams.get('reason') || undefined };
}

export function createConsoleHandler(deps: ConsoleDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(deps, req, res).catch((e: Error & { $fault?: string }) => {
      // A client error of the Step Functions API (an unknown execution ARN) is the request's fault too.
      const status = e instanceof BadRequest || e.$fault === 'client' ? 400 : 500;
      send(res, status, { ok: false, reason: `${e.name}: ${e.message}` });
    });
  };
}

async function handle(deps: ConsoleDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const foreign = foreignRequestReason(req);
  if (foreign) return send(res, 403, { ok: false, reason: `the console: ${foreign}` });
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method === 'GET' && STATIC[url.pathname]) {
    const file = STATIC[url.pathname]!;
    res.writeHead(200, { 'content-type': TYPES[String(file).split('.').pop()!] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    res.end(readFileSync(file));
    return;
  }
  if (url.pathname === '/favicon.ico') {
    res.writeHead(204);
    res.end();
    return;
  }
  const route = (req.method === 'GET' ? GET : req.method === 'POST' ? POST : {})[url.pathname];
  if (!route) return send(res, 404, { ok: false, reason: `${req.method} ${url.pathname} is not part of the console` });
  if (req.method === 'POST' && req.headers[CONSOLE_HEADER] !== '1') return send(res, 403, { ok: false, reason: `POST needs the ${CONSOLE_HEADER} header (sent by the console page)` });
  const body = req.method === 'POST' ? await readBody(req) : Buffer.alloc(0);
  const result = await route(deps, url, body);
  send(res, (result as { ok?: boolean }).ok === false ? 409 : 200, result);
}

class BadRequest extends Error {
  override name = 'BadRequest';
}

function status(url: URL): ExecutionStatus | undefined {
  const value = url.searchParams.get('status') || undefined;
  if (value !== undefined && !(Object.values(ExecutionStatus) as string[]).includes(value)) {
    throw new BadRequest(`status "${value}" is not one of ${Object.values(ExecutionStatus).join(', ')}`);
  }
  return value as ExecutionStatus | undefined;
}

function required(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (!value) throw new BadRequest(`query parameter "${name}" is required`);
  return value;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_UPLOAD_BYTES) throw new BadRequest(`request body over ${MAX_UPLOAD_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
