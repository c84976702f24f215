import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One JSON logger for every function. Each invocation appends the release's identity
 * (package, version, clientToken, execution) so every line of a release can be found together.
 * Inputs are never logged whole: a CodePipeline job event carries temporary credentials.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'pkgrelease' });

export function appendReleaseKeys(release: { packageName?: string; versionName?: string; clientToken?: string; execution?: string }): void {
  logger.appendKeys({
    package: release.packageName ?? null,
    version: release.versionName ?? null,
    clientToken: release.clientToken ?? null,
    execution: release.execution ?? null,
  });
}

/** For advisory work that may fail without failing the step (lib/release/poll-timing.ts). */
export function logWarning(message: string, error: unknown): void {
  logger.warn(message, { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
}
