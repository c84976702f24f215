import { SHARE_ENV, Worker } from 'node:worker_threads';
import type { LambdaRuntime } from '../functions';
import type { InvocationRequest, ThreadMessage } from './messages';

/**
 * The local Lambda service's own threads. On AWS every invocation has a sandbox of its own; in one
 * event loop the handlers, their SDK clients (serialising, signing, parsing: the biggest share of a
 * local release's CPU) and their HTTP compete with the engine and the twin that answer them, and a
 * laptop's other cores idle. Here they run on worker threads beside the engine and the twin.
 *
 * A thread shares the process environment (SHARE_ENV), so what applyHandlerEnvironment sets, and
 * a configuration changed in the session, reach its handlers as they reach in-process ones.
 *
 * Two threads, for large runs only: on the 2-core machines here (paired farm-bench medians, the
 * bench scenario) 1,000 releases took 39.1 s on the main thread, 35.7 s with one thread, 32.8 s
 * with two and 1.10× that with three; but a thread's start (its own module loader and handler
 * modules, about 0.9 s of CPU) costs more than it saves in a small run: 10 releases 1.9 s on the
 * main thread vs 2.7 s on two threads, 100 releases 5.8 vs 6.7 s, 300 releases 11.4 vs 11.5 s.
 */
export const LOCAL_LAMBDA_THREADS = 2;
/** From this many releases a run gets the threads (the break-even measured above). */
export const THREADS_FROM_RELEASES = 300;

/** How many Lambda threads a CLI run of `releases` releases gets: 0 (the main thread) for a small one. */
export function lambdaThreadsFor(releases: number): number {
  return releases >= THREADS_FROM_RELEASES ? LOCAL_LAMBDA_THREADS : 0;
}

type Settled = Extract<ThreadMessage, { id: number }>;

/** One worker thread running handlers (serve-invocations.ts). */
class LambdaThread {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  private constructor(private readonly worker: Worker) {}

  static async start(onMetric: (line: string) => void): Promise<LambdaThread> {
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), { env: SHARE_ENV });
    const thread = new LambdaThread(worker);
    await new Promise<void>((ready, failed) => {
      worker.once('error', failed);
      worker.on('message', (m: ThreadMessage) => {
        if (m.kind === 'ready') ready();
        else if (m.kind === 'metric') onMetric(m.line);
        else thread.settle(m);
      });
    });
    worker.on('error', (e) => thread.failAll(e));
    worker.on('exit', (code) => thread.failAll(new Error(`the local Lambda thread exited (code ${code})`)));
    // Only an invocation in flight keeps the process alive, as one in the main thread would.
    worker.unref();
    return thread;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  invoke(functionName: string, event: unknown, timeoutSeconds: number): Promise<unknown> {
    const id = this.nextId++;
    const request: InvocationRequest = { id, functionName, event, timeoutSeconds };
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private settle(m: Settled): void {
    const waiting = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker.unref();
    if (m.kind === 'result') waiting?.resolve(m.result);
    else waiting?.reject(Object.assign(new Error(m.message), { name: m.name }));
  }

  private failAll(e: Error): void {
    for (const { reject } of this.pending.values()) reject(e);
    this.pending.clear();
  }
}

/** The threads of a session; each invocation goes to the one with the fewest in flight. */
export class LambdaThreads implements LambdaRuntime {
  private constructor(private readonly threads: LambdaThread[]) {}

  /** Starts `count` threads; `onMetric` gets their handlers' EMF lines, in the order each wrote them. */
  static async start(count: number, onMetric: (line: string) => void): Promise<LambdaThreads> {
    return new LambdaThreads(await Promise.all(Array.from({ length: count }, () => LambdaThread.start(onMetric))));
  }

  invoke(functionName: string, event: unknown, timeoutSeconds: number): Promise<unknown> {
    const least = this.threads.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    return least.invoke(functionName, event, timeoutSeconds);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.close()));
  }
}
