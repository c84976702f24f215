import { DescribePackagesCommand, GetPackageVersionHistoryCommand, OpenSearchClient } from '@aws-sdk/client-opensearch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { OpenSearchNotReady, OpenSearchPackageFailed } from '../../lib/release/errors';
import { commitMessage } from '../../lib/release/identity';
import { checkOpenSearch } from '../../lib/release/steps/check-opensearch';
import { release } from '../fixtures/release';

const os = mockClient(OpenSearchClient);
const r = release();
const update = { packageId: 'F111', packageName: 'edge-agent-dict', outcome: 'updated' as const, commitMessage: commitMessage('edge-agent', '1.2.0', r.clientToken) };
const ours = { PackageVersion: 'v2', CommitMessage: update.commitMessage };

function packageState(status: string, available: string, errorDetails?: { ErrorType: string; ErrorMessage: string }) {
  os.on(DescribePackagesCommand).resolves({
    PackageDetailsList: [{ PackageID: 'F111', PackageStatus: status as never, AvailablePackageVersion: available, ErrorDetails: errorDetails }],
  });
  os.on(GetPackageVersionHistoryCommand).resolves({ PackageVersionHistoryList: [{ PackageVersion: 'v1', CommitMessage: 'initial' }, ours] });
}

describe('checkOpenSearch', () => {
  beforeEach(() => os.reset());

  it('is not ready while our import is still being copied', async () => {
    packageState('COPYING', 'v1');
    await expect(checkOpenSearch({ release: r, update, poll: { count: 0, max: 5 } }, new OpenSearchClient({}))).resolves.toEqual({
      ready: false, status: 'COPYING', availableVersion: 'v1',
    });
  });

  it('is ready once our version is AVAILABLE', async () => {
    packageState('AVAILABLE', 'v2');
    await expect(checkOpenSearch({ release: r, update, poll: { count: 1, max: 5 } }, new OpenSearchClient({}))).resolves.toEqual({
      ready: true, status: 'AVAILABLE', availableVersion: 'v2',
    });
  });

  it('raises OpenSearchPackageFailed carrying ErrorDetails on *_FAILED', async () => {
    packageState('VALIDATION_FAILED', 'v1', { ErrorType: 'InvalidDictionary', ErrorMessage: 'not UTF-8 text' });
    const error = await checkOpenSearch({ release: r, update, poll: { count: 1, max: 5 } }, new OpenSearchClient({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenSearchPackageFailed);
    expect((error as OpenSearchPackageFailed).errorDetails).toEqual({ ErrorType: 'InvalidDictionary', ErrorMessage: 'not UTF-8 text' });
    expect((error as Error).message).toContain('VALIDATION_FAILED: InvalidDictionary: not UTF-8 text');
  });

  it('raises OpenSearchNotReady when the poll budget is spent', async () => {
    packageState('VALIDATING', 'v1');
    await expect(checkOpenSearch({ release: r, update, poll: { count: 5, max: 5 } }, new OpenSearchClient({}))).rejects.toThrow(OpenSearchNotReady);
  });

  it('is ready at once when a newer release superseded ours', async () => {
    await expect(
      checkOpenSearch({ release: r, update: { ...update, outcome: 'superseded' }, poll: { count: 0, max: 5 } }, new OpenSearchClient({})),
    ).resolves.toMatchObject({ ready: true });
    expect(os.calls()).toHaveLength(0);
  });
});
