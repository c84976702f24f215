/**
 * When a new package version becomes the package's default (the `defaultVersionPolicy` setting and
 * request member). Apart from config.ts so that a function that never reads PACKAGES_CONFIG
 * (CreateVersion, Promote) does not bundle and build its schema at cold start.
 */
export const DEFAULT_VERSION_POLICIES = ['if-newer', 'always', 'never'] as const;
export type DefaultVersionPolicy = (typeof DEFAULT_VERSION_POLICIES)[number];
