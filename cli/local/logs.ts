import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionRecord } from '../../local/engine/executions';
import { executionHistory as recordHistory } from '../../local/engine/history';
import { EXECUTIONS_FILE } from '../../local/session';
import { UsageError } from '../errors';
import { executionHistory } from '../../lib/operations/history';
import { renderHistory } from '../operator/logs';
import { executionArnOf, twinClients } from './serve-client';
import { liveServe } from './state-dir';

/**
 * `local logs <name>`: through the running serve's GetExecutionHistory, or from executions.json
 * (written atomically as executions change, so it is safe to read beside another command).
 */
export async function localLogs(name: string, opts: { stateDir: string; json?: boolean }): Promise<void> {
  const serve = liveServe(opts.stateDir);
  const events = serve ? await executionHistory(twinClients(serve).sfn, executionArnOf(serve, name)) : recordHistory(recordOf(opts.stateDir, name), false);
  process.stdout.write(opts.json ? `${JSON.stringify({ events }, null, 2)}\n` : `${renderHistory(events as never)}\n`);
}

function recordOf(stateDir: string, name: string): ExecutionRecord {
  const file = join(stateDir, EXECUTIONS_FILE);
  const records = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ExecutionRecord[]) : [];
  const record = records.find((r) => r.name === name);
  if (!record) throw new UsageError(`no execution "${name}" in ${stateDir}: list them with "pkgrelease local state"`);
  return record;
}
