import { describe, expect, it } from 'vitest';
import { compareVersions, newestVersion } from '../../lib/release/version-order';

describe('version order', () => {
  it('orders semver names by precedence, not by text', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0-rc.1', '1.0.0')).toBeLessThan(0);
    expect(compareVersions('v2.0.0', '1.99.0')).toBeGreaterThan(0);
  });

  it('orders other names by numeric parts, and ranks semver above non-semver', () => {
    expect(compareVersions('2024.10.1', '2024.9.30')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0', 'nightly-7')).toBeGreaterThan(0);
    expect(newestVersion(['1.2.0', '1.10.0', '1.9.9'])).toBe('1.10.0');
  });
});
