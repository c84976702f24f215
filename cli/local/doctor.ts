import { runDoctor } from '../../lib/operations/doctor';
import type { PackagesConfig } from '../../lib/release/config';
import { LOCAL_BUCKET, LocalSession } from '../../local/session';
import { IDEMPOTENCY_TABLE_ENV } from '../../local/twin';
import { printDoctor } from '../operator/doctor';
import { configSource, readConfig } from './config';
import { onStateDir } from './run-session';
import { clientsOfTwin } from './serve-client';

/**
 * `local doctor`: the doctor's checks against the twin, through the same APIs as against AWS (the
 * running serve's, or a session of its own on the state dir). The twin's stack is known: its bucket,
 * state machine and idempotency table.
 */
export interface LocalDoctorOptions {
  stateDir: string;
  config?: string;
  fixIndexing?: boolean;
  json?: boolean;
}

export async function localDoctor(opts: LocalDoctorOptions): Promise<number> {
  const fixCommand = `pkgrelease local doctor --state-dir ${opts.stateDir} --fix-indexing`;
  const check = (env: Record<string, string>, stateMachineArn: string, config: PackagesConfig) =>
    runDoctor(clientsOfTwin(env), {
      target: { targets: { bucket: LOCAL_BUCKET, stateMachineArn, idempotencyTable: env[IDEMPOTENCY_TABLE_ENV]! } },
      config,
      fixIndexing: opts.fixIndexing,
      fixCommand,
    });
  const report = await onStateDir(
    opts.stateDir,
    'pkgrelease local doctor',
    (serve) => check(serve.env, serve.stateMachineArn, readConfig(opts.config ? configSource(opts.stateDir, opts.config) : { file: serve.configFile, extendable: true })),
    async () => {
      const config = readConfig(configSource(opts.stateDir, opts.config));
      const session = await LocalSession.start({ config, stateDir: opts.stateDir });
      try {
        return await check({ ...session.twin.env(), AWS_ENDPOINT_URL_SFN: session.sfnEndpoint }, session.engine.stateMachineArn, config);
      } finally {
        await session.close();
      }
    },
  );
  return printDoctor(report, opts.json);
}
