import { describe, expect, it } from 'vitest';
import { packageSettings, parsePackagesConfig } from '../../lib/release/config';
import { conventionalSbomKey, sbomPolicy, sbomWaitMinutes } from '../../lib/release/sbom/settings';

const config = (settings: object) => JSON.stringify({ packages: { fw: settings } });

describe('per-package SBOM settings', () => {
  it('defaults to optional with the default wait budget', () => {
    const s = packageSettings(parsePackagesConfig(config({})), 'fw');
    expect(sbomPolicy(s)).toBe('optional');
    expect(sbomWaitMinutes(s)).toBe(30);
  });

  it('accepts required with a wait budget', () => {
    const s = packageSettings(parsePackagesConfig(config({ sbom: 'required', sbomWaitMinutes: 15 })), 'fw');
    expect(sbomPolicy(s)).toBe('required');
    expect(sbomWaitMinutes(s)).toBe(15);
  });

  it('refuses an unknown policy and a budget past the bound, with a named error', () => {
    expect(() => parsePackagesConfig(config({ sbom: 'maybe' }))).toThrow(expect.objectContaining({ name: 'InvalidRelease' }));
    expect(() => parsePackagesConfig(config({ sbomWaitMinutes: 500 }))).toThrow(expect.objectContaining({ name: 'InvalidRelease' }));
  });

  it('names the conventional SBOM key beside the artifact', () => {
    expect(conventionalSbomKey('fw', '1.2.0')).toBe('sboms/fw/1.2.0/sbom.zip');
  });
});
