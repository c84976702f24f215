/**
 * Sizes an SDK client's socket pool. In Lambda one invocation at a time uses a client, and the SDK's
 * default of 50 sockets is plenty. The local engine runs every execution's steps in one process,
 * sharing each client: against the twin, hundreds of requests then queue behind 50 sockets and the
 * SDK warns ("socket usage at capacity" once 3 × the pool is in flight). A loopback endpoint is the
 * twin (never an AWS endpoint), so only there the pool is larger: 512 sockets stay quiet up to
 * 1,536 requests in flight per client (more than one per execution at N = 1000), and a full pool's
 * connect burst fits the twin's accept queue (TWIN_LISTEN_BACKLOG; Node's default of 511 overflows
 * and resets connections).
 */
export const TWIN_MAX_SOCKETS = 512;

const LOOPBACK_ENDPOINT = /^http:\/\/(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(?::\d+)?(?:\/|$)/;

/** Client config for the service whose endpoint variable is `AWS_ENDPOINT_URL_<service>` (e.g. `S3`). */
export function socketPoolConfig(service: string): { requestHandler?: { httpAgent: { keepAlive: boolean; maxSockets: number } } } {
  const endpoint = process.env[`AWS_ENDPOINT_URL_${service}`] ?? process.env.AWS_ENDPOINT_URL;
  return endpoint && LOOPBACK_ENDPOINT.test(endpoint) ? { requestHandler: { httpAgent: { keepAlive: true, maxSockets: TWIN_MAX_SOCKETS } } } : {};
}
