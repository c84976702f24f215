/**
 * The benchmark's workload as a `pkgrelease local run` scenario: N releases over N/10 packages,
 * 10 versions each, every upload at once (startAtMs 0), no faults, OpenSearch imports that take 0 ms.
 * Same N → same file, so runs compare.
 */
export const VERSIONS_PER_PACKAGE = 10;

export function benchScenario(releases) {
  if (!Number.isInteger(releases) || releases < VERSIONS_PER_PACKAGE || releases % VERSIONS_PER_PACKAGE) {
    throw new Error(`N must be a multiple of ${VERSIONS_PER_PACKAGE} (got ${releases})`);
  }
  const names = Array.from({ length: releases / VERSIONS_PER_PACKAGE }, (_, i) => `bench-${String(i + 1).padStart(4, '0')}`);
  return {
    description: `bench: ${releases} releases over ${names.length} packages, ${VERSIONS_PER_PACKAGE} versions each, all at once`,
    seed: 1,
    packages: Object.fromEntries(names.map((name) => [name, { opensearchPackage: name, defaultVersionPolicy: 'if-newer' }])),
    opensearchPackages: names.map((name) => ({ name, type: 'TXT-DICTIONARY', content: 'initial\n' })),
    opensearchTiming: { copyingMs: 0, validatingMs: 0 },
    faults: [],
    uploads: names.flatMap((name) =>
      Array.from({ length: VERSIONS_PER_PACKAGE }, (_, v) => ({
        key: `releases/${name}/1.${v}.0/synonyms.txt`,
        content: `${name} 1.${v}.0\nlaptop, notebook\n`,
        startAtMs: 0,
      })),
    ),
  };
}
