import { DescribePackagesCommand, GetPackageVersionHistoryCommand, OpenSearchClient, UpdatePackageCommand } from '@aws-sdk/client-opensearch';
import { CopyObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { OpenSearchPackageBusy, OpenSearchPackageNotFound } from '../../lib/release/errors';
import { commitMessage } from '../../lib/release/identity';
import { updateOpenSearch } from '../../lib/release/steps/update-opensearch';
import { release } from '../fixtures/release';

const os = mockClient(OpenSearchClient);
const s3 = mockClient(S3Client);
const deps = () => ({ opensearch: new OpenSearchClient({}), s3: new S3Client({}), stagingPrefix: 'staging/' });

function packageState(status: string, history: { PackageVersion: string; CommitMessage?: string }[]) {
  os.on(DescribePackagesCommand).resolves({
    PackageDetailsList: [{ PackageID: 'F111', PackageName: 'edge-agent-dict', PackageStatus: status as never, AvailablePackageVersion: 'v1' }],
  });
  os.on(GetPackageVersionHistoryCommand).resolves({ PackageVersionHistoryList: history });
}

describe('updateOpenSearch', () => {
  beforeEach(() => {
    os.reset();
    s3.reset();
  });

  it('resolves the package by name, stages the pinned version and updates with the release identity', async () => {
    const r = release();
    packageState('AVAILABLE', [{ PackageVersion: 'v1', CommitMessage: 'initial' }]);
    s3.on(CopyObjectCommand).resolves({ VersionId: 'staged-1' });
    os.on(UpdatePackageCommand).resolves({});

    const result = await updateOpenSearch(r, deps());

    expect(result).toMatchObject({ packageId: 'F111', outcome: 'updated', commitMessage: commitMessage('edge-agent', '1.2.0', r.clientToken) });
    expect(os.commandCalls(DescribePackagesCommand)[0]!.args[0].input.Filters).toEqual([{ Name: 'PackageName', Value: ['edge-agent-dict'] }]);
    const copy = s3.commandCalls(CopyObjectCommand)[0]!.args[0].input;
    expect(copy.CopySource).toBe(`${r.artifact.bucket}/releases/edge-agent/1.2.0/agent.zip?versionId=v-abc123`);
    expect(copy.CopySourceIfMatch).toBe('"etag-1"');
    expect(copy.Key).toMatch(/^staging\/edge-agent\/1\.2\.0\/[0-9a-f]{16}\/agent\.zip$/);
    const update = os.commandCalls(UpdatePackageCommand)[0]!.args[0].input;
    expect(update.PackageSource).toEqual({ S3BucketName: r.artifact.bucket, S3Key: copy.Key });
    expect(update.CommitMessage!.length).toBeLessThanOrEqual(160);
  });

  it('does not update when the history already holds this release', async () => {
    const r = release();
    packageState('AVAILABLE', [{ PackageVersion: 'v2', CommitMessage: commitMessage('edge-agent', '1.2.0', r.clientToken) }]);
    const result = await updateOpenSearch(r, deps());
    expect(result.outcome).toBe('already-applied');
    expect(os.commandCalls(UpdatePackageCommand)).toHaveLength(0);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it('never goes back to an older release: skips when a newer one is in the history', async () => {
    const newer = release({ versionName: '1.10.0', clientToken: 'f'.repeat(64) });
    packageState('AVAILABLE', [{ PackageVersion: 'v3', CommitMessage: commitMessage('edge-agent', '1.10.0', newer.clientToken) }]);
    const result = await updateOpenSearch(release(), deps());
    expect(result).toMatchObject({ outcome: 'superseded', supersededBy: '1.10.0' });
    expect(os.commandCalls(UpdatePackageCommand)).toHaveLength(0);
  });

  it('ignores newer versions of other IoT packages sharing the OpenSearch package', async () => {
    packageState('AVAILABLE', [{ PackageVersion: 'v3', CommitMessage: commitMessage('other-agent', '9.0.0', 'e'.repeat(64)) }]);
    s3.on(CopyObjectCommand).resolves({});
    os.on(UpdatePackageCommand).resolves({});
    await expect(updateOpenSearch(release(), deps())).resolves.toMatchObject({ outcome: 'updated' });
  });

  it('refuses while the package is busy with a retryable OpenSearchPackageBusy, changing nothing', async () => {
    packageState('COPYING', []);
    const error = await updateOpenSearch(release(), deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenSearchPackageBusy);
    expect((error as OpenSearchPackageBusy).retryable).toBe(true);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(os.commandCalls(UpdatePackageCommand)).toHaveLength(0);
  });

  it('names the missing package and how to fix it', async () => {
    os.on(DescribePackagesCommand).resolves({ PackageDetailsList: [] });
    await expect(updateOpenSearch(release(), deps())).rejects.toThrow(OpenSearchPackageNotFound);
    await expect(updateOpenSearch(release(), deps())).rejects.toThrow(/no OpenSearch package named "edge-agent-dict".*config\/packages.json/);
  });
});
