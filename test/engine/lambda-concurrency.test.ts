import { describe, expect, it } from 'vitest';
import { invokeLocally, type LocalFunction } from '../../local/engine/functions';
import { LOCAL_LAMBDA_CONCURRENCY } from '../../local/engine/lambda-concurrency';

/** A handler that stays busy until released, recording how many run at once and the time each was given. */
function probe() {
  let running = 0;
  let maxRunning = 0;
  const remainingAtStart: number[] = [];
  const gates: (() => void)[] = [];
  const fn: LocalFunction = {
    name: 'probe',
    load: async () => ({
      handler: async (_event: never, context: { getRemainingTimeInMillis(): number }) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        remainingAtStart.push(context.getRemainingTimeInMillis());
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return { ok: true };
      },
    }),
  };
  return { fn, gates, stats: () => ({ running, maxRunning, remainingAtStart }) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('local Lambda concurrency', () => {
  it('runs at most LOCAL_LAMBDA_CONCURRENCY invocations at once; the others wait their turn and all complete', async () => {
    const { fn, gates, stats } = probe();
    const total = LOCAL_LAMBDA_CONCURRENCY * 2 + 3;
    const results = Array.from({ length: total }, () => invokeLocally(fn, {}, 1));
    await settle();
    expect(stats().running).toBe(LOCAL_LAMBDA_CONCURRENCY);

    // Release one at a time: each freed slot admits exactly one waiting invocation.
    for (let left = total; left > 0; left--) {
      gates.shift()!();
      await settle();
      expect(stats().running).toBe(Math.min(LOCAL_LAMBDA_CONCURRENCY, left - 1));
    }
    await expect(Promise.all(results)).resolves.toEqual(Array(total).fill({ ok: true }));
    expect(stats().maxRunning).toBe(LOCAL_LAMBDA_CONCURRENCY);
  });

  it('never runs an invocation still queued when its caller (the Task timeout) has given up', async () => {
    const { fn, gates, stats } = probe();
    const busy = Array.from({ length: LOCAL_LAMBDA_CONCURRENCY }, () => invokeLocally(fn, {}, 1));
    const late = invokeLocally(fn, {}, 1, 0.1);
    const lateOutcome = late.then(
      () => 'ran',
      (e: Error) => e.name,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    while (gates.length) {
      gates.shift()!();
      await settle();
    }
    await Promise.all(busy);
    expect(await lateOutcome).toBe('States.Timeout');
    expect(stats().remainingAtStart).toHaveLength(LOCAL_LAMBDA_CONCURRENCY);
  });

  it("starts an invocation's Lambda clock when it runs, not while it waits for a slot", async () => {
    const { fn, gates, stats } = probe();
    const results = Array.from({ length: LOCAL_LAMBDA_CONCURRENCY + 1 }, () => invokeLocally(fn, {}, 1));
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the last one waits 300 ms for a slot
    while (gates.length) {
      gates.shift()!();
      await settle();
    }
    await Promise.all(results);
    const queued = stats().remainingAtStart.at(-1)!;
    expect(queued).toBeGreaterThan(900);
  });
});
