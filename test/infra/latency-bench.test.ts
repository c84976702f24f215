import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { POLL_ERROR_NAMES } from '../../lib/release/errors-catalog';
import { Prng } from '../../local/twin/core/faults';
import { durationFactor } from '../../local/twin/opensearch/packages';
import { fixedPollDefinition, goals, medianRows, usage } from '../../scripts/bench/latency';
import { ROOT, readAslText } from './project';

/** `npm run bench:latency` compares what it says: the ASL against the same ASL with fixed 30 s polls. */
const run = promisify(execFile);
type Retrier = { ErrorEquals: string[]; [k: string]: unknown };
const retriersOf = (text: string) => Object.entries((JSON.parse(text) as { States: Record<string, { Retry?: Retrier[] }> }).States).flatMap(([name, s]) => (s.Retry ?? []).map((r) => ({ name, r })));

describe('latency bench', () => {
  it("today's shape: no first wait (the SecondsPath Wait states taken out, their Next kept)", () => {
    type State = { Type: string; Next?: string; SecondsPath?: string };
    const now = (JSON.parse(readAslText()) as { States: Record<string, State> }).States;
    const before = (JSON.parse(fixedPollDefinition(readAslText())) as { States: Record<string, State> }).States;
    const waits = Object.keys(now).filter((n) => now[n]!.SecondsPath !== undefined);
    expect(waits.sort()).toEqual(['WaitForDomains', 'WaitForImport']);
    expect(Object.keys(before).sort()).toEqual(Object.keys(now).filter((n) => !waits.includes(n)).sort());
    expect([before.UpdateOpenSearch!.Next, before.ApplyToDomains!.Next]).toEqual(['CheckOpenSearch', 'CheckDomains']);
  });

  it("today's shape: every poll retrier back to a fixed 30 s, every other retrier as it is", () => {
    const before = retriersOf(readAslText());
    const after = retriersOf(fixedPollDefinition(readAslText()));
    expect(after).toHaveLength(before.length);
    after.forEach(({ name, r }, i) => {
      const isPoll = r.ErrorEquals.every((e) => e in POLL_ERROR_NAMES);
      if (isPoll) expect(r, name).toEqual({ ErrorEquals: r.ErrorEquals, IntervalSeconds: 30, BackoffRate: 1, MaxAttempts: r.ErrorEquals.includes('OpenSearchNotReady') ? 60 : 220 });
      else expect(r, name).toEqual(before[i]!.r);
    });
    expect(after.filter(({ r }) => r.IntervalSeconds === 30 && r.BackoffRate === 1).map(({ r }) => r.ErrorEquals[0]).sort()).toEqual(Object.keys(POLL_ERROR_NAMES).sort());
  });

  const row = (shape: string, releases: 'first' | 'later', medianS: number, p95Pct: number, transitions: number) => ({ shape, releases, group: 'all', n: 1, succeeded: 1, medianS, p95S: 0, p95Pct, e2eMedianS: 0, transitions, costPer1k: 0 });

  it('judges the goal on later releases and says how first releases fare against it', () => {
    expect(goals([row('fixed 30 s', 'first', 40, 13, 30), row('fixed 30 s', 'later', 38, 12, 30), row('backoff (ASL)', 'first', 9, 4, 60), row('backoff (ASL)', 'later', 11, 4, 30)])).toEqual([
      "Goal (later releases of a package, the steady state): wait overhead ≤ 10 s at the median — NOT met (11.0 s); ≤ 5 % at p95 — met (4.00 %); transitions ≤ 1.5× the fixed polls' — met (1.00×).",
      '',
      "First release of a package (no learned durations yet), against the same goal: wait overhead ≤ 10 s at the median — met (9.0 s); ≤ 5 % at p95 — met (4.00 %); transitions ≤ 1.5× the fixed polls' — NOT met (2.00×).",
    ]);
  });

  it('the median of runs is taken per figure, and the releases of all runs are counted', () => {
    const [m] = medianRows([[row('fixed 30 s', 'later', 10, 1, 30)], [row('fixed 30 s', 'later', 20, 3, 40)], [row('fixed 30 s', 'later', 12, 2, 90)]]);
    expect(m).toMatchObject({ medianS: 12, p95Pct: 2, transitions: 40, n: 3, succeeded: 3 });
    expect(medianRows([[row('fixed 30 s', 'later', 10, 1, 30)], [row('fixed 30 s', 'later', 20, 3, 40)]])[0]).toMatchObject({ medianS: 15, transitions: 35 });
  });

  it('the twin draws each duration within ±jitter, from its seed', () => {
    const draws = Array.from({ length: 200 }, ((p) => () => durationFactor({ copyingMs: 1, validatingMs: 1, jitter: 0.3 }, p))(new Prng(7)));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0.7);
    expect(Math.max(...draws)).toBeLessThanOrEqual(1.3);
    expect(Math.max(...draws) - Math.min(...draws)).toBeGreaterThan(0.4);
    expect(durationFactor({ copyingMs: 1, validatingMs: 1 }, new Prng(7))).toBe(1);
  });

  it.each([
    ['scripts/bench.mjs', process.execPath, ['scripts/bench.mjs']],
    ['scripts/bench/latency.ts', process.execPath, ['--import', 'tsx', 'scripts/bench/latency.ts']],
  ])('%s --help prints its options (exit 0); an unknown option is a usage error (exit 2), not a stack trace', async (_, cmd, args) => {
    const help = await run(cmd, [...args, '--help'], { cwd: ROOT });
    expect(help.stdout).toMatch(/^Usage: npm run bench/);
    expect(help.stdout).toContain('--no-write');
    const wrong = await run(cmd, [...args, '--nope'], { cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect((wrong as { code: number }).code).toBe(2);
    expect((wrong as { stderr: string }).stderr).toContain("Unknown option '--nope'");
    expect((wrong as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
  });

  it('bench --baseline must name a checkout of this project: a named error and exit 2, before anything runs', async () => {
    const wrong = await run(process.execPath, ['scripts/bench.mjs', '--baseline', '/no/such/checkout'], { cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect((wrong as { code: number }).code).toBe(2);
    expect((wrong as { stderr: string }).stderr).toContain('--baseline /no/such/checkout has no bin/pkgrelease.js');
    expect((wrong as { stderr: string }).stderr).toContain('Usage: npm run bench');
  });

  it('usage lists every option', () => {
    for (const option of ['--releases', '--repeat', '--runs', '--plugin-share', '--import-s', '--association-s', '--blue-green-s', '--jitter', '--scale', '--seed']) expect(usage()).toContain(option);
  });

  it('a small run writes nothing with --no-write and prints both shapes, first and later releases, per package type, with the goal lines', async () => {
    const args = ['--import', 'tsx', 'scripts/bench/latency.ts', '--releases', '2', '--repeat', '1', '--plugin-share', '0.5', '--import-s', '30', '--association-s', '60', '--blue-green-s', '120', '--scale', '0.01', '--no-write'];
    const { stdout } = await run(process.execPath, args, { cwd: ROOT, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    for (const shape of ['fixed 30 s', 'backoff (ASL)']) {
      for (const releases of ['first release of a package', 'later releases']) {
        for (const group of ['all', 'TXT-DICTIONARY', 'ZIP-PLUGIN']) expect(stdout).toMatch(new RegExp(`^\\| ${shape.replace(/[()]/g, '\\$&')} \\| ${releases} \\| ${group} \\| ([12])/\\1 \\|`, 'm'));
      }
    }
    expect(stdout).toContain('Goal (later releases of a package, the steady state)');
    expect(stdout).toContain('First release of a package (no learned durations yet)');
  }, 180_000);
});
