import { IoTClient } from '@aws-sdk/client-iot';
import { OpenSearchClient } from '@aws-sdk/client-opensearch';
import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { type PlannedRollback, planRollback, previewRollback, renderPreview, type RollbackAsk, requestedByDefault, startRollback } from '../../lib/operations/rollback';
import type { PackagesConfig } from '../../lib/release/config';
import { rollbackMachineArn } from '../../lib/release/rollback/machine';
import { configSource, readConfig } from './config';
import { fetchReport, twinClients } from './serve-client';
import { type OutputOptions, onStateDir, print, withSession } from './run-session';

export interface LocalRollbackOptions extends OutputOptions {
  stateDir: string;
  config?: string;
  to: string;
  reason?: string;
  by?: string;
  token?: string;
  dryRun?: boolean;
}

/**
 * `local rollback <package> --to <version>`: `pkgrelease rollback` on the twin. Through a running
 * serve (its Step Functions API, as on AWS), or in a session of its own on the state dir.
 */
export async function localRollback(packageName: string, opts: LocalRollbackOptions): Promise<void> {
  const ask: RollbackAsk = { packageName, targetVersion: opts.to, requestedBy: opts.by ?? requestedByDefault(), reason: opts.reason, rollbackToken: opts.token };
  const config = readConfig(configSource(opts.stateDir, opts.config));
  await onStateDir(
    opts.stateDir,
    `pkgrelease local rollback ${packageName}`,
    async (serve) => {
      const { sfn, iot, s3, opensearch } = twinClients(serve);
      const planned = await planRollback(ask, { iot, s3 });
      if (opts.dryRun) return void console.log(await preview(planned, config, iot, opensearch));
      const machine = rollbackMachineArn(serve.stateMachineArn);
      await startRollback(sfn, machine, planned);
      await waitUntilEnded(sfn, `${machine.replace(':stateMachine:', ':execution:')}:${planned.executionName}`);
      const { notReleased: _ignored, ...report } = await fetchReport(serve);
      print({ ...report, executions: report.executions.filter((e) => e.name === planned.executionName) }, opts);
    },
    async () => {
      let started: string | undefined;
      await withSession({ config, stateDir: opts.stateDir }, opts, `Rolling ${packageName} back to ${opts.to}`, async (session) => {
        const planned = await planRollback(ask, { iot: new IoTClient({}), s3: session.s3() });
        if (opts.dryRun) return void process.stderr.write(`${await preview(planned, config, new IoTClient({}), new OpenSearchClient({}))}\n`);
        started = planned.executionName;
        if (!session.rollbacks.get(planned.executionName)) session.rollbacks.start(planned.executionName, planned.input);
      }, () => new Set(started ? [started] : []));
    },
  );
}

async function preview(planned: PlannedRollback, config: PackagesConfig, iot: IoTClient, opensearch: OpenSearchClient): Promise<string> {
  return renderPreview(planned, await previewRollback(planned, config, { iot, opensearch }));
}

async function waitUntilEnded(sfn: SFNClient, executionArn: string): Promise<void> {
  while ((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status === 'RUNNING') await new Promise((r) => setTimeout(r, 100));
}
