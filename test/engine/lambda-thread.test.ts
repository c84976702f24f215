import { afterEach, describe, expect, it, vi } from 'vitest';
import { invokeLocally, type LambdaRuntime, type LocalFunction, STEP_FUNCTIONS_BY_PLACEHOLDER, TRIGGER_FUNCTION, useLambdaRuntime } from '../../local/engine/functions';
import { LambdaThreads, LOCAL_LAMBDA_THREADS, lambdaThreadsFor, THREADS_FROM_RELEASES } from '../../local/engine/lambda-thread/lambda-thread';
import type { LocalSession } from '../../local/session';
import { setPackagesConfig } from '../../local/session/handler-env';
import { CONFIG, startSession } from '../e2e/harness';

/** The local Lambda service's threads (local/engine/lambda-thread/): handlers off the engine's and the twin's event loop. */
let session: LocalSession | undefined;
let threads: LambdaThreads | undefined;
afterEach(async () => {
  useLambdaRuntime(undefined);
  await session?.close();
  await threads?.close();
  session = threads = undefined;
  vi.restoreAllMocks();
});

describe('Lambda threads', () => {
  it('only a large CLI run gets them: below the break-even a thread\'s start costs more than it saves', () => {
    expect(lambdaThreadsFor(1)).toBe(0);
    expect(lambdaThreadsFor(THREADS_FROM_RELEASES - 1)).toBe(0);
    expect(lambdaThreadsFor(THREADS_FROM_RELEASES)).toBe(LOCAL_LAMBDA_THREADS);
    expect(LOCAL_LAMBDA_THREADS).toBeGreaterThan(0);
  });

  it('with a runtime set, an invocation goes to it by function name and nothing is loaded in this thread', async () => {
    const fn: LocalFunction = { name: 'prepare', load: vi.fn(() => Promise.reject(new Error('loaded in the main thread'))) };
    const runtime: LambdaRuntime = { invoke: vi.fn(async () => ({ ran: 'elsewhere' })) };
    useLambdaRuntime(runtime);
    await expect(invokeLocally(fn, { clientToken: 't' }, 30)).resolves.toEqual({ ran: 'elsewhere' });
    expect(runtime.invoke).toHaveBeenCalledWith('prepare', { clientToken: 't' }, 30);
    expect(fn.load).not.toHaveBeenCalled();
  });

  it('a handler error crosses as its name and message only, as the Lambda service reports it', async () => {
    threads = await LambdaThreads.start(2, () => undefined);
    const results = await Promise.allSettled([1, 2, 3].map(() => threads!.invoke('prepare', 'not an object', 10)));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const err = (r as PromiseRejectedResult).reason as Error;
      expect(err.name).toBe('InvalidRelease');
      expect(err.message).toMatch(/input must be a JSON object/);
    }
    await expect(threads.invoke('noSuchFunction', {}, 10)).rejects.toThrow(/no local function named noSuchFunction/);
  });

  it('a session on threads releases end to end: the EMF lines come back, the shared environment reaches the trigger, and no handler loads here', async () => {
    const loads = [TRIGGER_FUNCTION, ...Object.values(STEP_FUNCTIONS_BY_PLACEHOLDER)].map((fn) => vi.spyOn(fn, 'load'));
    const notReleased: string[] = [];
    session = await startSession({ lambdaThreads: 2, onNotReleased: (key) => notReleased.push(key) });
    await session.upload('releases/edge-agent/1.0.0/words.txt', 'alpha\n');
    await session.upload('releases/late-agent/1.0.0/words.txt', 'beta\n');
    await session.settled();
    expect(session.engine.list().map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(notReleased).toEqual(['releases/late-agent/1.0.0/words.txt']);
    expect(session.metrics.metrics().filter((m) => m.name === 'ReleasesSucceeded').map((m) => m.value)).toEqual([1]);

    // A configuration changed in this thread (as `local serve` reloads it) applies to the next event there.
    await session.createOpenSearchPackage('late-agent-dict', 'TXT-DICTIONARY', 'initial\n');
    setPackagesConfig({ packages: { ...CONFIG.packages, 'late-agent': { opensearchPackage: 'late-agent-dict' } } });
    await session.upload('releases/late-agent/1.0.0/words.txt', 'beta\n');
    await session.settled();
    expect(session.engine.list().map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    for (const load of loads) expect(load).not.toHaveBeenCalled();
  });
});
