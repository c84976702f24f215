import pLimit from 'p-limit';

/**
 * How many handler invocations the local Lambda service runs at once.
 *
 * On AWS every invocation has its own sandbox. Locally, every execution's steps share one Node
 * process on a laptop's cores, so past a few dozen invocations in flight, more concurrency only
 * adds work: each waiting invocation holds its sockets, promises and buffers, and the objects
 * that live across garbage collections are copied to the old generation instead of dying young.
 * `npm run bench` at N = 1000 (every upload at once) took 65 s of CPU with no bound and 44–46 s
 * with 8 to 16 in flight; 64 gave 50 s.
 *
 * An invocation past the limit waits its turn, first come first served, as a throttled Lambda
 * invocation is retried until it runs. Its Lambda clock (remaining time) starts when it runs; the
 * ASL Task timeout, which the engine applies around the whole call, includes the wait, and local
 * Task timeouts are scaled up for that (LOCAL_TASK_TIMEOUT_FACTOR). No local invocation waits for
 * another one to finish, so the bound cannot deadlock.
 */
export const LOCAL_LAMBDA_CONCURRENCY = 16;

export const withinLocalLambdaConcurrency = pLimit(LOCAL_LAMBDA_CONCURRENCY);
