import { describe, expect, it } from 'vitest';
import { parseCommitMessage, rollbackCommitMessage, commitMessage } from '../../lib/release/identity';
import type { ExecutionRecord } from '../../local/engine/executions';
import { checkTimeline, RollbackLedger } from '../../local/campaign/heads';

/** The campaign's ordering with rollbacks (local/campaign/heads.ts): which timelines it accepts and which it flags. */
const TOKEN = 'rollback-token-aaaaaaaaaaaaaaaa';
const rollback = (target: string, head: string, token = TOKEN): ExecutionRecord =>
  ({
    name: `rollback-to-${target}`,
    status: 'SUCCEEDED',
    input: { rollbackToken: token },
    states: [{ name: 'ValidateRollback', status: 'SUCCEEDED', output: { packageName: 'pkg', rollbackToken: token, plan: { target: { versionName: target }, head, above: [] } } }],
  }) as unknown as ExecutionRecord;
const release = (v: string) => ({ commit: parseCommitMessage(commitMessage('pkg', v, `token-of-${v}-0123456789`)), label: v });
const rolledBackTo = (v: string, token = TOKEN) => ({ commit: parseCommitMessage(rollbackCommitMessage('pkg', v, token, 'oncall')), label: `rollback ${v}` });
const ledger = new RollbackLedger([rollback('1.0.0', '1.2.0')], { dict: { epoch: 1, head: '1.0.0', barredThrough: '1.2.0', token: TOKEN } });
const check = (entries: ReturnType<typeof release>[]) => {
  const violations: string[] = [];
  checkTimeline(entries, ledger, 'dict', violations);
  return violations;
};

describe('ordering with rollbacks, as the campaign checks it', () => {
  it('accepts a rollback going back to its target, then a newer version going forward', () => {
    expect(check([release('1.0.0'), release('1.2.0'), rolledBackTo('1.0.0'), release('1.3.0')])).toEqual([]);
  });

  it('flags a barred version served after the rollback, and an older one', () => {
    expect(check([release('1.2.0'), rolledBackTo('1.0.0'), release('1.1.0')])).toEqual([expect.stringMatching(/^barred version served: dict served 1\.1\.0/)]);
    expect(check([release('1.2.0'), rolledBackTo('1.0.0'), release('0.9.0')])).toEqual([expect.stringMatching(/^regression: dict served 0\.9\.0/)]);
  });

  it('flags a rollback served after a release newer than the head it was planned against', () => {
    expect(check([release('1.2.0'), release('1.3.0'), rolledBackTo('1.0.0')])).toEqual([expect.stringMatching(/^rolled back under a newer release: dict served 1\.0\.0/)]);
  });

  it('a rollback commit nobody ran is no head move: a regression', () => {
    expect(check([release('1.2.0'), rolledBackTo('1.0.0', 'another-token-bbbbbbbbbbbbbbbb')])).toEqual([expect.stringMatching(/^regression: dict served 1\.0\.0/)]);
  });

  it('what every side must end on: the head, or a newer release the head does not bar', () => {
    expect(ledger.expected('dict', ['1.0.0', '1.1.0', '1.2.0'])).toBe('1.0.0');
    expect(ledger.expected('dict', ['1.0.0', '1.2.0', '1.3.0'])).toBe('1.3.0');
    expect(ledger.expected('other', ['1.0.0', '1.2.0'])).toBe('1.2.0');
    expect([ledger.barred('dict', '1.1.0'), ledger.barred('dict', '0.9.0'), ledger.barred('dict', '1.0.0'), ledger.barred('dict', '1.3.0')]).toEqual([true, false, false, false]);
  });

  it('flags a rollback served after another one moved the head since (a stale rollback)', () => {
    const later = 'rollback-token-dddddddddddddddd';
    const stale = rollback('1.0.0', '1.2.0');
    const newer = { ...rollback('0.9.0', '1.2.0', later), states: [{ ...rollback('0.9.0', '1.2.0', later).states[0]!, output: { packageName: 'pkg', rollbackToken: later, plan: { target: { versionName: '0.9.0' }, head: '1.2.0', above: [], headEpoch: 1 } } }] } as ExecutionRecord;
    const two = new RollbackLedger([stale, newer], {});
    const violations: string[] = [];
    checkTimeline([release('1.2.0'), rolledBackTo('1.0.0'), rolledBackTo('0.9.0', later)], two, 'group g', violations);
    expect(violations).toEqual([]);
    checkTimeline([release('1.2.0'), rolledBackTo('0.9.0', later), rolledBackTo('1.0.0')], two, 'group g', violations);
    expect(violations).toEqual([expect.stringMatching(/^stale rollback: group g served 1\.0\.0/)]);
  });
});

