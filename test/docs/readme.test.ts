import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RETRYABLE_ERROR_NAMES, TERMINAL_ERROR_NAMES } from '../../lib/release/errors-catalog';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const runbook = readFileSync(new URL('../../docs/runbook.md', import.meta.url), 'utf8');
const asl = readFileSync(new URL('../../statemachines/release.asl.json', import.meta.url), 'utf8');

describe('README and runbook', () => {
  it('the runbook has a row for every error the pipeline raises or retries', () => {
    const retried = [...new Set([...asl.matchAll(/"ErrorEquals": \[([^\]]*)\]/g)].flatMap((m) => m[1]!.split(',').map((e) => e.trim().replace(/"/g, ''))))];
    const named = [...TERMINAL_ERROR_NAMES, ...RETRYABLE_ERROR_NAMES, ...retried.filter((e) => !e.startsWith('Lambda.'))];
    for (const name of named) expect(runbook, name).toMatch(new RegExp(`^\\| \`${name.replace('.', '\\.')}\` \\|`, 'm'));
  });

  it('is a front door of at most 250 lines whose links to docs/ all resolve', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
    for (const [, target] of readme.matchAll(/\]\(((?:docs|schemas|examples)\/[^)#]+)/g)) {
      expect(existsSync(new URL(`../../${target}`, import.meta.url)), target).toBe(true);
    }
  });

  it('gives the two commands of a fresh clone', () => {
    expect(readme).toContain('npm ci');
    expect(readme).toContain('npm test');
    expect(readme).toContain('npm run demo');
  });
});
