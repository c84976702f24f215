/**
 * What every stand-in's API is written in: the request a handler sees, its reply, the route table
 * entry, the errors a service answers and how its protocol renders them (restJson1 here; S3's XML
 * in s3/api.ts). The server that runs them is server.ts.
 */
import type { IncomingHttpHeaders } from 'node:http';

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
