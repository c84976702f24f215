import pLimit from 'p-limit';

/**
 * How many handler invocations the local Lambda service runs at once.
 *
 * On AWS every invocation has its own sandbox. Locally, every execution's steps share one Node
 * process on a laptop's cores, so past a few dozen invocations in flight, more concurrency only
 * adds work: each waiting invocation holds its sockets, promises and buffers, and objects that live
 * across garbage collections are copied to the old generation instead of dying young: at N = 1000
 * (every upload at once) `npm run bench` spends about a third less CPU with 8 to 16 in flight than
 * unbounded, and more again at 64 (docs/benchmarks.md has the latest run).
 *
 * Past the limit AWS would throttle (Lambda.TooManyRequestsException, which the ASL retries); here
 * an invocation waits its turn instead, first come first served. Its Lambda clock (remaining time)
 * starts when it runs, and one still waiting when its Task has timed out never runs
 * (invokeLocally). No local invocation waits for another one to finish (StartExecution only starts
 * an execution; task-token waits take no slot), so the bound cannot deadlock.
 */
export const LOCAL_LAMBDA_CONCURRENCY = 16;

export const withinLocalLambdaConcurrency = pLimit(LOCAL_LAMBDA_CONCURRENCY);
