/** Types for scripts/bench/scenario.mjs (the infra test imports it). */
export declare const VERSIONS_PER_PACKAGE: number;
/** A `pkgrelease local run` scenario of `releases` releases (see cli/local/scenario.ts). */
export declare function benchScenario(releases: number): unknown;
