import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { ConsoleDeps } from '../../local/console/deps';
import { executionDetail } from '../../local/console/read-model';

/** The console's execution detail carries the rollout and SBOM `pkgrelease status` shows, from the newest state reached. */
const sfn = mockClient(SFNClient);
const arn = 'arn:aws:states:eu-west-1:123456789012:execution:pkgrelease-local-release:r';
const counts = { queued: 0, inProgress: 0, succeeded: 10, failed: 0, rejected: 0, timedOut: 0, removed: 0, canceled: 0 };
const output = (rollout: unknown) => JSON.stringify({ packageName: 'fw', versionName: '2.0.0', rollout, steps: { checkSbom: { policy: 'required', validation: 'SUCCEEDED' } } });
const at = new Date('2025-03-14T11:00:00Z');
const deps = { sfn: new SFNClient({}), stateMachineArn: 'm', s3: {} as never, bucket: 'b', catalog: () => ({ iot: {}, opensearch: {} }) as never, configuredPackages: () => [], iot: {} as never, opensearch: {} as never, packagesConfig: () => ({ packages: {} }) } as ConsoleDeps;

describe('console execution detail', () => {
  it('shows a running execution\'s stage being watched, the stages that passed with their counts, and the SBOM', async () => {
    sfn.reset();
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: arn, name: 'r', status: 'RUNNING', input: '{}', startDate: at });
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        { id: 1, type: 'ExecutionStarted', timestamp: at },
        { id: 2, type: 'TaskStateExited', timestamp: at, stateExitedEventDetails: { name: 'StartRolloutStage', output: output({ stages: ['canary', 'fleet'], status: 'watching', current: { stage: 'canary', index: 0, jobId: 'j-canary', attempt: 0 } }) } },
        {
          id: 3,
          type: 'TaskStateExited',
          timestamp: at,
          stateExitedEventDetails: {
            name: 'StartRolloutStage',
            output: output({ stages: ['canary', 'fleet'], status: 'watching', current: { stage: 'fleet', index: 1, jobId: 'j-fleet', attempt: 0 }, outcomes: [{ stage: 'canary', jobId: 'j-canary', attempt: 0, outcome: 'passed', counts }] }),
          },
        },
        { id: 4, type: 'TaskStateEntered', timestamp: at, stateEnteredEventDetails: { name: 'WatchRolloutStage', input: '{}' } },
      ],
    });

    const detail = await executionDetail(deps, arn);
    expect(detail.sbom).toBe('SUCCEEDED (required)');
    expect(detail.rollout).toMatchObject({ status: 'watching', stage: 'fleet', jobId: 'j-fleet', outcomes: [{ stage: 'canary', outcome: 'passed', jobId: 'j-canary', counts }] });
    expect(detail.release).toMatchObject({ package: 'fw', version: '2.0.0' });
  });
});
