import { SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { redriveOne } from '../../lib/operations/redrive';
import { collectStatus } from '../../lib/operations/status';
import type { LocalSession } from '../../local/session';
import { startSession, succeeded } from './harness';

/**
 * The operator CLI's logic over real HTTP against the local Step Functions API: status names the
 * failed state, error and redrive status; redrive resumes the execution; a second redrive of a
 * succeeded execution is skipped with its reason.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

describe('operator commands against the local Step Functions API', () => {
  it('status → redrive → succeeded, then a redrive that is not possible is skipped', async () => {
    session = await startSession({ faults: [{ operation: 'iot:UpdatePackageVersion', kind: 'error5xx', times: 1000 }] });
    await session.upload('releases/edge-agent/1.0.0/words.txt', 'alpha\n');
    await session.settled();
    const sfn = new SFNClient({ endpoint: session.sfnEndpoint });
    const stateMachineArn = session.engine.stateMachineArn;

    const status = await collectStatus(sfn, { stateMachineArn, since: new Date(Date.now() - 3600_000), failedOnly: true });
    expect(status.executions).toHaveLength(1);
    expect(status.executions[0]).toMatchObject({
      status: 'FAILED',
      package: 'edge-agent',
      version: '1.0.0',
      failedState: 'Promote',
      error: 'TransientAwsError',
      redriveStatus: 'REDRIVABLE',
    });

    session.twin.setFaults([]);
    const arn = status.executions[0]!.executionArn;
    expect(await redriveOne(sfn, arn)).toMatchObject({ result: 'redriven' });
    await session.settled();
    expect(session.engine.list()[0]!.status).toBe('SUCCEEDED');
    expect(succeeded(session.report(), 'iot:CreatePackageVersion')).toBe(1);
    expect(await redriveOne(sfn, arn)).toMatchObject({ result: 'skipped' });
  });
});
