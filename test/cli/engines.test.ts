import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/**
 * `npm ci` warns EBADENGINE when the running Node is outside a dependency's `engines.node`, as the
 * lockfile records it. The project's own range must lie inside every dependency's — with one
 * documented exception: aws-local-stepfunctions (the local engine; its only published version,
 * 3.0.0) declares Node ≥ 22 for `Promise.withResolvers` alone, which local/engine/polyfills.ts
 * provides on Node 20. The project supports Node ≥ 20.19, so on
 * Node 20 `npm ci` prints that one warning and no other.
 */
const POLYFILLED: Record<string, string> = { 'aws-local-stepfunctions': 'Promise.withResolvers, polyfilled in local/engine/polyfills.ts' };
const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { engines?: { node?: unknown } | unknown[]; optional?: boolean }>;
};
const ours = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } }).engines.node;
const dependencyRanges = Object.entries(lock.packages)
  .filter(([path, meta]) => path !== '' && !meta.optional && !Array.isArray(meta.engines) && typeof meta.engines?.node === 'string')
  .map(([path, meta]) => [path.replace(/^.*node_modules\//, ''), (meta.engines as { node: string }).node] as const);

describe('engines: the project and its dependencies agree (npm ci prints no EBADENGINE)', () => {
  it('the lockfile records the engines of package.json', () => {
    expect((lock.packages[''] as { engines?: { node?: string } }).engines?.node).toBe(ours);
  });

  it('every Node the project supports satisfies every dependency\'s engines.node', () => {
    expect(dependencyRanges.length).toBeGreaterThan(10);
    const disagree = dependencyRanges.filter(([name, range]) => !POLYFILLED[name] && !semver.subset(ours, range, { includePrerelease: false }));
    expect(disagree, `engines.node "${ours}" reaches outside these dependencies' ranges`).toEqual([]);
  });

  it.runIf(semver.satisfies(process.version, ours))(`on this Node (${process.version}) npm ci's engine check passes for every dependency`, () => {
    expect(dependencyRanges.filter(([name, range]) => !POLYFILLED[name] && !semver.satisfies(process.version, range))).toEqual([]);
  });
});
