import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { durationsKey, FIRST_WAIT_PERCENT } from '../../lib/release/poll-timing';
import type { ExecutionRecord } from '../../local/engine/executions';
import type { LocalSession } from '../../local/session';
import { executionFor, startSession } from './harness';

/**
 * Polls that know when the work ends, end to end on the twin: the first release of a package
 * learns how long its import and domain association took, and the next release waits about that
 * long (one Wait state, scaled by the engine like every other ASL interval) before it polls.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const SCALE = 0.002;
// Wall milliseconds: an import of 600 ms is 300 s in the state machine's time, an association 400 s.
const TIMING = { copyingMs: 200, validatingMs: 400, associatingMs: 800 };

async function sessionWithDomain(): Promise<LocalSession> {
  const s = await startSession({ timeScale: SCALE, opensearchTiming: TIMING });
  await s.createDomain({ name: 'search-a', packages: ['edge-agent-dict'] });
  return s;
}

async function release(s: LocalSession, version: string): Promise<ExecutionRecord> {
  await s.upload(`releases/edge-agent/${version}/words.txt`, `words of ${version}\n`);
  await s.settled();
  return executionFor(s, 'edge-agent', version);
}

const state = (e: ExecutionRecord, name: string) => e.states.find((s) => s.name === name)!;
const attempts = (e: ExecutionRecord, name: string) => 1 + state(e, name).retries;
const firstWait = (e: ExecutionRecord, name: 'WaitForImport' | 'WaitForDomains') => {
  const steps = (state(e, name).input as { steps: Record<string, { firstPollSeconds: number }> }).steps;
  return (name === 'WaitForImport' ? steps.updateOpenSearch : steps.applyToDomains)!.firstPollSeconds;
};
const wallMs = (e: ExecutionRecord, name: string) => Date.parse(state(e, name).stoppedDate!) - Date.parse(state(e, name).enteredDate!);

async function durations(s: LocalSession): Promise<Record<string, unknown>> {
  const out = await new DynamoDBClient({}).send(new GetItemCommand({ TableName: s.twin.idempotencyTable, Key: { id: { S: durationsKey('edge-agent-dict') } } }));
  return unmarshall(out.Item ?? {});
}

describe('first waits learned from the last releases of a package', () => {
  it('a second release waits first and polls fewer times than the first, and succeeds', async () => {
    session = await sessionWithDomain();
    const first = await release(session, '1.0.0');
    expect(first.status).toBe('SUCCEEDED');
    // No history yet: no first wait, the checks poll from the start.
    expect([firstWait(first, 'WaitForImport'), firstWait(first, 'WaitForDomains')]).toEqual([0, 0]);
    const learned = await durations(session);
    expect(learned.import).toEqual([expect.any(Number)]);
    expect(learned.association).toEqual([expect.any(Number)]);
    // In the state machine's seconds: at least the twin's durations (300 s, 400 s), not its wall milliseconds.
    expect((learned.import as number[])[0]).toBeGreaterThanOrEqual(300);
    expect((learned.association as number[])[0]).toBeGreaterThanOrEqual(400);

    const second = await release(session, '1.1.0');
    expect(second.status).toBe('SUCCEEDED');
    const importWait = firstWait(second, 'WaitForImport');
    const domainsWait = firstWait(second, 'WaitForDomains');
    // One run seen: 60 % of it (FIRST_WAIT_PERCENT), less what elapsed before the step returned.
    const share = FIRST_WAIT_PERCENT[0] / 100;
    expect(importWait).toBeGreaterThanOrEqual(Math.floor(share * 300) - 25);
    expect(importWait).toBeLessThanOrEqual(share * (learned.import as number[])[0]!);
    expect(domainsWait).toBeGreaterThanOrEqual(Math.floor(share * 400) - 25);
    expect(domainsWait).toBeLessThanOrEqual(share * (learned.association as number[])[0]!);
    // The engine scales a SecondsPath wait like every other interval (unscaled it would take minutes).
    expect(wallMs(second, 'WaitForImport')).toBeGreaterThanOrEqual(importWait * 1000 * SCALE - 5);
    expect(wallMs(second, 'WaitForImport')).toBeLessThan(importWait * 1000 * SCALE + 2_000);
    expect(wallMs(second, 'WaitForDomains')).toBeGreaterThanOrEqual(domainsWait * 1000 * SCALE - 5);
    // Fewer polls of each check than the release that had no history.
    // (Counted over both checks: on a loaded machine one check's scaled wait can end a poll late.)
    const polls = (e: typeof first) => attempts(e, 'CheckOpenSearch') + attempts(e, 'CheckDomains');
    expect(polls(second)).toBeLessThan(polls(first));
    expect(attempts(second, 'CheckOpenSearch')).toBeLessThanOrEqual(attempts(first, 'CheckOpenSearch'));
    expect(attempts(second, 'CheckDomains')).toBeLessThanOrEqual(attempts(first, 'CheckDomains'));
    expect((await durations(session)).import).toHaveLength(2);
  }, 60_000);

  it('a replayed UpdateOpenSearch result (the same artifact started again) waits only for what is left: nothing', async () => {
    session = await sessionWithDomain();
    await release(session, '1.0.0');
    const again = await release(session, '1.1.0');
    expect(firstWait(again, 'WaitForImport')).toBeGreaterThan(0);
    // Same input, new execution name: UpdateOpenSearch replays its stored result, whose import started long ago.
    session.start('edge-agent-1.1.0-again', again.input);
    await session.settled();
    const replay = session.engine.get('edge-agent-1.1.0-again')!;
    expect(replay.status).toBe('SUCCEEDED');
    expect((state(replay, 'UpdateOpenSearch').output as { steps: { updateOpenSearch: { startedAt: number } } }).steps.updateOpenSearch.startedAt).toBe(
      (state(again, 'UpdateOpenSearch').output as { steps: { updateOpenSearch: { startedAt: number } } }).steps.updateOpenSearch.startedAt,
    );
    expect(firstWait(replay, 'WaitForImport')).toBe(0);
    // Its domains already run the release: nothing started, nothing to wait for.
    expect(firstWait(replay, 'WaitForDomains')).toBe(0);
  }, 60_000);
});
