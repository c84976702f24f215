import { afterEach, describe, expect, it } from 'vitest';
import { leaseStoreFromEnv } from '../../lib/lambda/lease-store';
import { parseCommitMessage } from '../../lib/release/identity';
import { freeLeaseOfEndedExecution } from '../../lib/release/lease-cleanup';
import { compareVersions } from '../../lib/release/version-order';
import type { ExecutionRecord } from '../../local/engine/executions';
import { LOCAL_BUCKET, type LocalSession } from '../../local/session';
import { CONFIG, executionFor, startSession } from './harness';

/**
 * The failure notification frees the OpenSearch lease of an execution that ended (lib/release/
 * lease-cleanup.ts). But StopExecution (ABORTED) and an execution timeout (TIMED_OUT) do not stop a
 * Lambda invocation that is running: a holder that renewed its lease and sent UpdatePackage may
 * still have that call in flight. Freeing its lease at once lets a newer release in underneath it,
 * and the zombie's UpdatePackage then lands on top of the newer content: the race of issue #8.
 *
 * The local engine cannot stop an execution, so the test sends the notify Lambda's cleanup the
 * ABORTED event AWS would send while the older release's UpdatePackage is held in flight.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const OLDER = { version: '1.0.0', body: 'alpha\nbeta\n' };
const NEWER = { version: '1.1.0', body: 'alpha\nbeta\ngamma\n' };

/** The "Step Functions Execution Status Change" event EventBridge hands the notify Lambda. */
function statusChange(s: LocalSession, execution: ExecutionRecord, status: 'ABORTED' | 'TIMED_OUT') {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: s.twin.accountId,
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    region: s.twin.region,
    resources: [execution.executionArn],
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: s.engine.stateMachineArn,
      name: execution.name,
      status,
      startDate: Date.parse(execution.startDate),
      stopDate: Date.now(),
      input: JSON.stringify(execution.input),
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
      error: null,
      cause: null,
      redriveCount: 0,
      redriveStatus: 'REDRIVABLE',
      redriveStatusReason: null,
    },
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('freeing the lease of an ended execution', () => {
  it.each(['ABORTED', 'TIMED_OUT'] as const)(
    'an execution %s while its UpdatePackage is in flight: a newer release never ends up under the older content',
    async (status) => {
      session = await startSession({ faults: [{ operation: 'es:UpdatePackage', kind: 'latency', times: 1, latencyMs: 1500 }] });
      const s = session;

      await s.upload(`releases/edge-agent/${OLDER.version}/words.txt`, OLDER.body);
      await until(() => s.twin.s3.listObjects(LOCAL_BUCKET, `staging/edge-agent/${OLDER.version}/`).length === 1, 'the older release to stage its artifact');
      await new Promise((r) => setTimeout(r, 100));
      // The older execution is stopped now; its Lambda, and its UpdatePackage, are still running.
      await freeLeaseOfEndedExecution(statusChange(s, executionFor(s, 'edge-agent', OLDER.version), status), { lease: leaseStoreFromEnv(), config: CONFIG });
      await s.upload(`releases/edge-agent/${NEWER.version}/words.txt`, NEWER.body);
      await s.settled();
      const report = s.report();

      expect(executionFor(s, 'edge-agent', NEWER.version).status).toBe('SUCCEEDED');
      const pkg = report.catalog.opensearch['edge-agent-dict']!;
      const served = pkg.served.flatMap(({ version }) => {
        const release = parseCommitMessage(pkg.history.find((h) => h.version === version)?.commitMessage ?? undefined)?.versionName;
        return release ? [release] : [];
      });
      expect(served).toContain(NEWER.version);
      for (let i = 1; i < served.length; i++) expect(compareVersions(served[i]!, served[i - 1]!), `served ${served.join(' → ')}`).toBeGreaterThanOrEqual(0);
      expect(served.at(-1)).toBe(NEWER.version);
    },
  );
});
