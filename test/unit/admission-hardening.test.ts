import { describe, expect, it } from 'vitest';
import { packageSettings, parsePackagesConfig } from '../../lib/release/config';
import { commitMessage, deriveClientToken, executionName, parseCommitMessage, shortToken } from '../../lib/release/identity';
import { validateReleaseFields } from '../../lib/release/validate';

const fields = (clientToken: string) => ({ packageName: 'edge-agent', versionName: '1.2.0', opensearchPackage: 'edge-agent', clientToken });

describe('caller-chosen clientToken', () => {
  it.each([
    ['40 dashes', '-'.repeat(40)],
    ['a NUL character', `release-token-0123456789-0123456789\u0000abc`],
    ['punctuation outside _ . : -', 'release/token/0123456789/0123456789/abcdef'],
    ['fewer than 16 letters or digits', `${'-'.repeat(30)}abc123def45`],
  ])('refuses %s with InvalidRelease naming clientToken', (_what, token) => {
    expect(() => validateReleaseFields(fields(token))).toThrow(expect.objectContaining({ name: 'InvalidRelease', message: expect.stringContaining('clientToken') }));
  });

  it('accepts letters, digits and _ . : - within 36–64 characters', () => {
    expect(() => validateReleaseFields(fields('release-token-0123456789-0123456789-abcdef'))).not.toThrow();
  });
});

describe('shortToken', () => {
  it('keeps a derived token\'s first 16 characters (commit messages already written still match)', () => {
    const token = deriveClientToken({ bucket: 'b', key: 'releases/p/1.0.0/f', version: 'v1' });
    expect(shortToken(token)).toBe(token.slice(0, 16));
  });

  it('is never empty and tells apart caller tokens that share their letters and digits', () => {
    const a = 'release-token-0123456789-0123456789-abcdef';
    const b = 'release.token.0123456789.0123456789.abcdef';
    for (const t of [a, b, '-'.repeat(40)]) expect(shortToken(t)).toMatch(/^[0-9a-f]{16}$/);
    expect(shortToken(a)).not.toBe(shortToken(b));
  });

  it('lets a release recognise its own commit and execution name for a caller token', () => {
    const token = 'release-token-0123456789-0123456789-abcdef';
    const parsed = parseCommitMessage(commitMessage('edge-agent', '1.2.0', token));
    expect(parsed?.token).toBe(shortToken(token));
    expect(executionName('edge-agent', '1.2.0', token)).toMatch(new RegExp(`-${shortToken(token)}$`));
  });
});

describe('package configuration lookup', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('refuses %s, a name only Object.prototype knows, as unconfigured', (name) => {
    const config = parsePackagesConfig(JSON.stringify({ packages: { 'edge-agent': {} } }));
    expect(() => packageSettings(config, name)).toThrow(expect.objectContaining({ name: 'InvalidRelease', message: expect.stringContaining('has no configuration') }));
  });
});
