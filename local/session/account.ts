/**
 * The fixed facts of one local "AWS account": its artifact bucket, where each service listens, and
 * how local time relates to AWS's.
 */
export const LOCAL_BUCKET = 'pkgrelease-local-artifacts';

/** Where each service listens relative to the base port (`local serve --port`): Step Functions on the base port itself. */
export const PORT_OFFSETS = { sfn: 0, s3: 1, iot: 2, opensearch: 3, dynamodb: 4 } as const;

/** Engine version of local domains and ZIP-PLUGIN packages when none is given. */
export const DEFAULT_ENGINE_VERSION = 'OpenSearch_2.13';

/** Local runs compress AWS's seconds 100-fold (a 30 s poll takes 300 ms); attempt counts and backoff shapes stay. */
export const DEFAULT_TIME_SCALE = 0.01;

/** Local Task timeouts are 10× the ASL's: every Lambda shares one process, so a busy machine must not time them out. */
export const LOCAL_TASK_TIMEOUT_FACTOR = 10;

/**
 * Real seconds (leases are wall-clock): far longer than a local invocation, short enough that a
 * lease left by a killed local process frees itself quickly.
 */
export const LOCAL_LEASE_TTL_SECONDS = 30;
