import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what the last full garbage collection kept, as a percentage.
 *
 * A local session hosts an account's worth of Lambdas, the twin and the engine in one process. V8
 * sizes its heap for a process that may use 4 GiB on this much RAM, so after each full collection
 * it lets the old generation grow up to 4× what survived before collecting again. At N = 1000 the
 * live heap stayed near 90–130 MiB while the process peaked near 500 MiB (heap snapshots and
 * `process.memoryUsage()` over the run); at 1.5× the peak roughly halved for the same CPU time
 * (docs/benchmarks.md has today's figures). V8 reads this flag at every collection, so setting it
 * once the process runs is enough: no re-exec with `--max-old-space-size`.
 */
export const LOCAL_HEAP_GROWING_PERCENT = 50;

export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${LOCAL_HEAP_GROWING_PERCENT}`);
}
