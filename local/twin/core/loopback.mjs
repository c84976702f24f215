/**
 * Loopback only, on every port the local side opens (the twin's stand-ins, its DynamoDB worker, the
 * Step Functions API and the console beside it). A request must name a loopback host together with
 * the port it arrived on: a web page whose DNS name was rebound to 127.0.0.1 still sends its own
 * name. A browser's Origin, when there is one, must be that same origin: a page elsewhere cannot
 * read or change anything with fetch. Clients that are not browsers (SDKs, the AWS CLI, curl) send
 * no Origin and name the host they connect to.
 *
 * Plain JavaScript so that the DynamoDB worker thread, which has no TypeScript loader, uses this
 * same check.
 */

/** The names and addresses of this machine a client may put in the Host header. */
export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Why `req` is refused, or undefined when it is for this machine and this port.
 * @param {import('node:http').IncomingMessage} req
 * @returns {string | undefined}
 */
export function foreignRequestReason(req) {
  const port = req.socket.localPort;
  const allowed = LOOPBACK_HOSTS.flatMap((name) => (port === 80 ? [name, `${name}:80`] : [`${name}:${port}`]));
  const host = String(req.headers.host ?? '').toLowerCase();
  if (!allowed.includes(host)) return `this port answers only requests for ${LOOPBACK_HOSTS[0]}:${port} or localhost:${port}, not for host "${req.headers.host ?? ''}"`;
  const origin = req.headers.origin;
  if (origin !== undefined && !allowed.some((h) => String(origin).toLowerCase() === `http://${h}`)) {
    return `this port answers only pages of its own origin (http://${LOOPBACK_HOSTS[0]}:${port}), not "${origin}"`;
  }
  return undefined;
}
