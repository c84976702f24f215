import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { assertApprovedByExecution } from '../../lib/release/approval-proof';
import type { ReleaseState } from '../../lib/release/request';

const RELEASE = {
  packageName: 'edge-agent',
  versionName: '1.4.0',
  clientToken: 't'.repeat(64),
  artifact: { bucket: 'artifacts', key: 'releases/edge-agent/1.4.0/a.bin', version: 'v1', etag: 'e' },
  opensearch: { packageName: 'edge-agent-dict' },
  defaultVersionPolicy: 'if-newer',
} as ReleaseState;
const ARN = 'arn:aws:states:eu-west-1:123456789012:execution:pkgrelease-prod-release:edge-agent-1.4.0-abc';
const REQUIRED = { requireApproval: true };

function exited(name: string, state: object): HistoryEvent {
  return { id: 1, type: 'TaskStateExited', timestamp: new Date(), stateExitedEventDetails: { name, output: JSON.stringify(state) } };
}
const history = (...events: HistoryEvent[]) => async function* () {
  yield* events;
};
const check = (events: HistoryEvent[], settings: object = REQUIRED, arn = ARN) =>
  assertApprovedByExecution(RELEASE, settings, { arn, stateMachineName: 'pkgrelease-prod-release' }, history(...events));
const approved = (over: object = {}) => ({ ...RELEASE, ...over, steps: { approval: { decision: 'approved' } } });

describe('Promote reads the approval from the execution history (lib/release/approval-proof.ts)', () => {
  it('passes when WaitForApproval exited approved for this very release', async () => {
    await expect(check([exited('CheckDomains', RELEASE), exited('WaitForApproval', approved())])).resolves.toBeUndefined();
  });

  it('needs no history when the package does not require approval', async () => {
    await expect(check([], {})).resolves.toBeUndefined();
  });

  it.each([
    ['no WaitForApproval in the history', [exited('CheckDomains', approved())]],
    ['another release approved in it (other clientToken)', [exited('WaitForApproval', approved({ clientToken: 'o'.repeat(64) }))]],
    ['another artifact version', [exited('WaitForApproval', approved({ artifact: { ...RELEASE.artifact, version: 'v2' } }))]],
    ['an answer that is not an approval', [exited('WaitForApproval', { ...RELEASE, steps: { approval: { decision: 'maybe' } } })]],
  ])('refuses with NotApproved: %s', async (_what, events) => {
    await expect(check(events)).rejects.toMatchObject({ name: 'NotApproved', message: expect.stringContaining('nothing was published') });
  });

  it('refuses an ARN of another state machine, or not an execution ARN, before reading any history', async () => {
    const events = [exited('WaitForApproval', approved())];
    await expect(check(events, REQUIRED, ARN.replace('pkgrelease-prod-release', 'other'))).rejects.toMatchObject({ name: 'NotApproved' });
    await expect(check(events, REQUIRED, 'not-an-arn')).rejects.toMatchObject({ name: 'NotApproved' });
  });
});
