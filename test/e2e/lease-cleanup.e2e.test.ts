import { afterEach, describe, expect, it } from 'vitest';
import { leaseStoreFromEnv } from '../../lib/lambda/lease-store';
import { freeLeaseOfEndedExecution } from '../../lib/release/lease-cleanup';
import type { ExecutionRecord } from '../../local/engine/executions';
import type { LocalSession } from '../../local/session';
import { CONFIG, executionFor, startSession } from './harness';
import { NEWER, OLDER, olderInFlight, servedReleases } from './served';

/**
 * The failure notification gives back the OpenSearch lease of an execution that ended
 * (lib/release/lease-cleanup.ts). StopExecution (ABORTED) and an execution timeout (TIMED_OUT) do not
 * stop a running Lambda invocation: a holder that renewed its lease may still have its UpdatePackage
 * in flight. Freeing the lease at once would let a newer release in underneath it, and the zombie's
 * UpdatePackage would then land on top of the newer content (served 1.1.0 → 1.0.0): the ordering race
 * of docs/ordering.md.
 *
 * The local engine cannot stop an execution, so the test sends the notify Lambda's cleanup the
 * event AWS would send while the older release's UpdatePackage is held in flight.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});


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

describe('freeing the lease of an ended execution', () => {
  it.each(['ABORTED', 'TIMED_OUT'] as const)(
    'an execution %s while its UpdatePackage is in flight: a newer release never ends up under the older content',
    async (status) => {
      session = await startSession({ faults: [{ operation: 'es:UpdatePackage', kind: 'latency', times: 1, latencyMs: 1500 }] });
      const s = session;

      await olderInFlight(s);
      // The older execution is stopped now; its Lambda, and its UpdatePackage, are still running.
      await freeLeaseOfEndedExecution(statusChange(s, executionFor(s, 'edge-agent', OLDER.version), status), { lease: leaseStoreFromEnv(), config: CONFIG });
      await s.upload(`releases/edge-agent/${NEWER.version}/words.txt`, NEWER.body);
      await s.settled();
      const report = s.report();

      expect(executionFor(s, 'edge-agent', NEWER.version).status).toBe('SUCCEEDED');
      const { releases, regression } = servedReleases(report, 'edge-agent-dict');
      expect(regression).toBeUndefined();
      expect(releases.at(-1)).toBe(NEWER.version);
    },
  );
});
