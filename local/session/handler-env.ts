import { resetAwsClients } from '../../lib/clients/aws';
import { resetIdempotencyStore } from '../../lib/lambda/idempotency';
import { logger } from '../../lib/lambda/logger';
import { setMetricsSink } from '../../lib/lambda/metrics';
import type { PackagesConfig } from '../../lib/release/config';
import { LOCAL_BUCKET, LOCAL_LEASE_TTL_SECONDS } from './account';

/**
 * Sets the environment a deployed Lambda would have, pointing at a twin (this process's, or a
 * running serve's), and resets the clients and stores built from it. Returns the undo.
 */
export function applyHandlerEnvironment(p: { twinEnv: Record<string, string>; sfnEndpoint: string; config: PackagesConfig; stateMachineArn: string; logLevel?: string; timeScale?: number }): () => void {
  const env: Record<string, string> = {
    ...p.twinEnv,
    AWS_ENDPOINT_URL_SFN: p.sfnEndpoint,
    PACKAGES_CONFIG: JSON.stringify(p.config),
    ARTIFACT_BUCKET: LOCAL_BUCKET,
    STAGING_BUCKET: LOCAL_BUCKET,
    STAGING_PREFIX: 'staging/',
    STATE_MACHINE_ARN: p.stateMachineArn,
    STATE_MACHINE_NAME: p.stateMachineArn.split(':').pop() ?? '',
    LEASE_TTL_SECONDS: String(LOCAL_LEASE_TTL_SECONDS),
    POWERTOOLS_LOG_LEVEL: p.logLevel ?? 'SILENT',
    // The engine's time scale: durations the handlers learn are in the ASL's seconds (lib/lambda/clock.ts).
    STATE_MACHINE_TIME_SCALE: String(p.timeScale ?? 1),
  };
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const reset = () => {
    resetAwsClients();
    resetIdempotencyStore();
  };
  logger.setLogLevel(env.POWERTOOLS_LOG_LEVEL as never);
  // Never on stdout, which is the commands' output (a session sends them to its twin instead).
  setMetricsSink(() => undefined);
  reset();
  return () => {
    setMetricsSink(undefined);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    reset();
  };
}

/** A configuration changed while serving applies to the next event: the trigger reads it from here. */
export function setPackagesConfig(config: PackagesConfig): void {
  process.env.PACKAGES_CONFIG = JSON.stringify(config);
}
