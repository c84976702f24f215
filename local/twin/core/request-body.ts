/**
 * Reading a request body within a limit (core/limits.ts), for every HTTP API of the local side. A
 * declared Content-Length over the limit is refused before any byte is read (and before `Expect:
 * 100-continue` is answered, so the client does not send it); a body that grows over the limit is
 * dropped at that point. Either way nothing over the limit is held in memory.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export type BodyResult = { body: Buffer } | { tooLarge: { limit: number; size?: number } };

function declaredLength(req: IncomingMessage): number | undefined {
  const value = req.headers['content-length'];
  return value === undefined ? undefined : Number(value);
}

export function readBodyWithin(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit) return Promise.resolve({ tooLarge: { limit, size: declared } });
  // Listeners, not `for await`: leaving that loop early would destroy the socket the refusal goes out on.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      chunks.length = 0;
      resolve({ tooLarge: { limit } });
    };
    req.on('data', onData);
    req.once('end', () => resolve({ body: Buffer.concat(chunks) }));
    req.once('error', reject);
  });
}

/**
 * Ends a request whose body is not read (refused, or over the limit): the reply goes out with
 * `connection: close`, the rest of the body is discarded as it arrives, and the socket closes once
 * the reply is sent, so the client reads the answer instead of a reset.
 */
export function endUnread(req: IncomingMessage, res: ServerResponse): void {
  res.shouldKeepAlive = false;
  req.resume();
  res.once('finish', () => setTimeout(() => req.socket.destroy(), 1000).unref());
}

/** Answers `Expect: 100-continue` only for bodies within `limit`; a larger one gets the handler's refusal at once. */
export function continueWithin(server: Server, limit: number): void {
  server.on('checkContinue', (req, res) => {
    const declared = declaredLength(req);
    if (declared === undefined || declared <= limit) res.writeContinue();
    server.emit('request', req, res);
  });
}
