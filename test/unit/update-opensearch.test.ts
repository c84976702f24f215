import { UpdatePackageCommand } from '@aws-sdk/client-opensearch';
import { CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, UploadPartCopyCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { OpenSearchPackageBusy, OpenSearchPackageFailed, OpenSearchPackageLocked, OpenSearchPackageNotFound } from '../../lib/release/errors';
import { commitMessage } from '../../lib/release/identity';
import { openSearchLeaseKey } from '../../lib/release/lease';
import { updateOpenSearch, waitIfLocked } from '../../lib/release/steps/update-opensearch';
import { release } from '../fixtures/release';
import { failure } from '../twin/helpers';
import { deps, heldBy, install, mutations, NOW, os, PACKAGE_ID, s3, TTL_SECONDS } from './opensearch-fakes';

const EXECUTION = 'edge-agent-1.2.0-0123456789abcdef';
const ours = () => release({ execution: EXECUTION });
const OURS = commitMessage('edge-agent', '1.2.0', ours().clientToken);
const NEWER = commitMessage('edge-agent', '1.3.0', 'b'.repeat(64));
const OLDER = commitMessage('edge-agent', '1.1.0', 'c'.repeat(64));
const SAME_VERSION_OTHER_UPLOAD = commitMessage('edge-agent', '1.2.0', 'd'.repeat(64));
const initial = { PackageVersion: 'v1', CommitMessage: 'initial' };

const idle = (history: { PackageVersion: string; CommitMessage?: string }[], available = history.at(-1)?.PackageVersion ?? null) => ({
  status: 'AVAILABLE',
  available,
  history,
});

describe('updateOpenSearch', () => {
  it('takes the lease, stages the pinned version, renews the lease and only then calls UpdatePackage', async () => {
    const r = ours();
    const fakes = install({ pkg: idle([initial]) });

    const result = await updateOpenSearch(r, deps());

    // packageType from the look's DescribePackages: ApplyToDomains reads it from here, not from AWS again.
    expect(result).toEqual({ packageId: PACKAGE_ID, packageName: 'edge-agent-dict', outcome: 'importing', commitMessage: OURS, packageVersion: 'v2', fence: 1, packageType: 'TXT-DICTIONARY' });
    expect(fakes.sequence.filter((c) => !c.startsWith('es:Describe') && c !== 'es:GetPackageVersionHistory')).toEqual([
      'lease:acquire ok',
      expect.stringMatching(/^s3:CopyObject staging\/edge-agent\/1\.2\.0\/[0-9a-f]{16}\/agent\.zip$/),
      'lease:renew ok',
      'es:UpdatePackage',
    ]);
    expect(fakes.lease.row).toMatchObject({ owner: EXECUTION, holder: 'edge-agent@1.2.0', fence: 1, leaseExpiresAt: NOW + TTL_SECONDS * 1000 });
    const copy = s3.commandCalls(CopyObjectCommand)[0]!.args[0].input;
    expect(copy.CopySource).toBe(`${r.artifact.bucket}/releases/edge-agent/1.2.0/agent.zip?versionId=v-abc123`);
    const update = os.commandCalls(UpdatePackageCommand)[0]!.args[0].input;
    expect(update).toMatchObject({ PackageID: PACKAGE_ID, PackageSource: { S3BucketName: r.artifact.bucket, S3Key: copy.Key }, CommitMessage: OURS });
  });

  it('a 6 GiB artifact (above CopyObject\'s 5 GiB): the staging copy is a multipart UploadPartCopy of the pinned version, completed before UpdatePackage', async () => {
    const r = release({ execution: EXECUTION });
    r.artifact.size = 6 * 1024 ** 3;
    const fakes = install({ pkg: idle([initial]) });
    s3.on(CreateMultipartUploadCommand).callsFake(() => {
      fakes.sequence.push('s3:CreateMultipartUpload');
      return { UploadId: 'up-1' };
    });
    s3.on(UploadPartCopyCommand).resolves({ CopyPartResult: { ETag: '"p"' } });
    s3.on(CompleteMultipartUploadCommand).callsFake(() => {
      fakes.sequence.push('s3:CompleteMultipartUpload');
      return {};
    });

    await updateOpenSearch(r, deps());

    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(UploadPartCopyCommand).every((c) => c.args[0].input.CopySource === `${r.artifact.bucket}/releases/edge-agent/1.2.0/agent.zip?versionId=v-abc123`)).toBe(true);
    expect(fakes.sequence.filter((c) => /^(s3:|es:UpdatePackage)/.test(c))).toEqual(['s3:CreateMultipartUpload', 's3:CompleteMultipartUpload', 'es:UpdatePackage']);
  });

  it('a re-entrant acquisition (retry or redrive of the same execution) proceeds with a new fence', async () => {
    const fakes = install({ lease: { owner: EXECUTION, holder: 'edge-agent@1.2.0', fence: 4, leaseExpiresAt: NOW + 1000 }, pkg: idle([initial]) });
    const result = await updateOpenSearch(ours(), deps());
    expect(result).toMatchObject({ outcome: 'importing', fence: 5 });
    expect(mutations(fakes)).toHaveLength(2);
  });

  it('an expired lease of another execution is taken over', async () => {
    const fakes = install({ lease: { ...heldBy('crashed-execution', 3), leaseExpiresAt: NOW - 1 }, pkg: idle([initial]) });
    await expect(updateOpenSearch(ours(), deps())).resolves.toMatchObject({ outcome: 'importing', fence: 4 });
    expect(fakes.lease.row?.owner).toBe(EXECUTION);
  });

  it('lease held by another release: OpenSearchPackageLocked naming the holder, nothing staged or updated', async () => {
    const fakes = install({ lease: heldBy('other-execution'), pkg: idle([initial]) });

    const error = await failure(updateOpenSearch(ours(), deps()));

    expect(error).toBeInstanceOf(OpenSearchPackageLocked);
    expect(error.name).toBe('OpenSearchPackageLocked');
    expect(error.message).toContain(openSearchLeaseKey('edge-agent-dict'));
    expect(error.message).toContain('edge-agent@9.9.9');
    expect(error.message).toContain('other-execution');
    expect(error.message).toContain(new Date(NOW + 60_000).toISOString());
    expect(mutations(fakes)).toEqual([]);
    expect(fakes.lease.row).toEqual(heldBy('other-execution'));
  });

  it('lease held by another whose memo says the package serves a newer release: superseded at once, without waiting', async () => {
    const memo = { version: '1.3.0', packageId: 'F-old-id', packageVersion: 'v2' };
    const fakes = install({ lease: heldBy('other-execution', 7, memo), pkg: idle([initial, { PackageVersion: 'v2', CommitMessage: NEWER }]) });

    const result = await updateOpenSearch(ours(), deps());

    expect(result).toMatchObject({ outcome: 'superseded', servedVersion: '1.3.0', packageId: 'F111', packageType: 'TXT-DICTIONARY' });
    expect(result.packageVersion).toBeUndefined();
    expect(mutations(fakes)).toEqual([]);
    // The package id is resolved by name (it changes on engine upgrades); no history is read.
    expect(fakes.sequence.filter((c) => c.startsWith('es:'))).toEqual(['es:DescribePackages PackageName']);
    // Not ours to release.
    expect(fakes.sequence.filter((c) => c.startsWith('lease:'))).toEqual(['lease:acquire lost']);
    expect(fakes.lease.row).toEqual(heldBy('other-execution', 7, memo));
  });

  it('lease held by another whose memo says the package serves this version (another upload of it): served', async () => {
    const memo = { version: '1.2.0', packageId: 'F111', packageVersion: 'v2' };
    const fakes = install({ lease: heldBy('other-execution', 7, memo), pkg: idle([initial, { PackageVersion: 'v2', CommitMessage: SAME_VERSION_OTHER_UPLOAD }]) });
    await expect(updateOpenSearch(ours(), deps())).resolves.toMatchObject({ outcome: 'served', servedVersion: '1.2.0', packageVersion: 'v2' });
    expect(mutations(fakes)).toEqual([]);
  });

  it('lease held by another with an older memo (or none): waits, making no AWS call at all', async () => {
    for (const memo of [undefined, { version: '1.1.0', packageId: 'F111', packageVersion: 'v2' }]) {
      const fakes = install({ lease: heldBy('other-execution', 7, memo), pkg: idle([initial, { PackageVersion: 'v2', CommitMessage: NEWER }]) });
      await expect(updateOpenSearch(ours(), deps())).rejects.toThrow(OpenSearchPackageLocked);
      expect(fakes.sequence).toEqual(['lease:acquire lost']);
    }
  });

  it('notes on the lease item what the package serves, for the releases waiting on it', async () => {
    const fakes = install({ pkg: idle([initial, { PackageVersion: 'v2', CommitMessage: NEWER }]) });
    await updateOpenSearch(ours(), deps());
    expect(fakes.lease.row?.owner).toBeUndefined();
    expect(fakes.lease.row?.served).toEqual({ version: '1.3.0', packageId: 'F111', packageVersion: 'v2' });
  });

  it('decides on what the package shows once the lease is held, not on the description read before it', async () => {
    const fakes = install({ pkg: idle([initial]) });
    // Between the lookup by name and the lease, a newer release's import starts and finishes.
    fakes.meanwhile = () => {
      fakes.pkg.history.push({ PackageVersion: 'v2', CommitMessage: NEWER });
      fakes.pkg.available = 'v2';
    };

    const result = await updateOpenSearch(ours(), deps());

    expect(result).toMatchObject({ outcome: 'superseded', servedVersion: '1.3.0' });
    expect(mutations(fakes)).toEqual([]);
    expect(fakes.sequence.findIndex((c) => c.startsWith('es:DescribePackages'))).toBeGreaterThan(fakes.sequence.indexOf('lease:acquire ok'));
  });

  it('serves a newer release: superseded, and the lease it took is released', async () => {
    const fakes = install({ pkg: idle([initial, { PackageVersion: 'v2', CommitMessage: NEWER }]) });

    const result = await updateOpenSearch(ours(), deps());

    expect(result).toMatchObject({ outcome: 'superseded', servedVersion: '1.3.0' });
    expect(mutations(fakes)).toEqual([]);
    expect(fakes.sequence.filter((c) => c.startsWith('lease:'))).toEqual(['lease:acquire ok', 'lease:release ok']);
    expect(fakes.lease.row?.owner).toBeUndefined();
  });

  it('serves this very release (an earlier attempt finished): served, lease released, no update', async () => {
    const fakes = install({ pkg: idle([initial, { PackageVersion: 'v2', CommitMessage: OURS }]) });
    await expect(updateOpenSearch(ours(), deps())).resolves.toMatchObject({ outcome: 'served', servedVersion: '1.2.0', packageVersion: 'v2' });
    expect(mutations(fakes)).toEqual([]);
    expect(fakes.lease.row?.owner).toBeUndefined();
  });

  it('an older release is served: this release is imported', async () => {
    const fakes = install({ pkg: idle([initial, { PackageVersion: 'v2', CommitMessage: OLDER }]) });
    await expect(updateOpenSearch(ours(), deps())).resolves.toMatchObject({ outcome: 'importing', packageVersion: 'v3' });
    expect(mutations(fakes)).toHaveLength(2);
  });

  it('a newer version of ANOTHER IoT package sharing the OpenSearch package does not count as newer', async () => {
    const other = commitMessage('other-agent', '9.0.0', 'e'.repeat(64));
    const fakes = install({ pkg: idle([initial, { PackageVersion: 'v2', CommitMessage: other }]) });
    await expect(updateOpenSearch(ours(), deps())).resolves.toMatchObject({ outcome: 'importing' });
    expect(mutations(fakes)).toHaveLength(2);
  });

  it('our import is already in flight (lost UpdatePackage response): importing, no second UpdatePackage, lease kept', async () => {
    const fakes = install({ pkg: { status: 'VALIDATING', available: 'v1', history: [initial, { PackageVersion: 'v2', CommitMessage: OURS }] } });

    const result = await updateOpenSearch(ours(), deps());

    expect(result).toMatchObject({ outcome: 'importing', packageVersion: 'v2', fence: 1 });
    expect(mutations(fakes)).toEqual([]);
    expect(fakes.lease.row?.owner).toBe(EXECUTION);
  });

  it('our import failed: OpenSearchPackageFailed with the ErrorDetails, lease released, nothing re-applied', async () => {
    const fakes = install({
      pkg: {
        status: 'VALIDATION_FAILED',
        available: 'v1',
        history: [initial, { PackageVersion: 'v2', CommitMessage: OURS }],
        errorDetails: { ErrorType: 'ValidationFailure', ErrorMessage: 'not a dictionary' },
      },
    });

    const error = await failure(updateOpenSearch(ours(), deps()));

    expect(error).toBeInstanceOf(OpenSearchPackageFailed);
    expect(error.message).toMatch(/edge-agent-dict is VALIDATION_FAILED: ValidationFailure: not a dictionary/);
    expect(mutations(fakes)).toEqual([]);
    expect(fakes.sequence.filter((c) => c.startsWith('lease:'))).toEqual(['lease:acquire ok', 'lease:release ok']);
    expect(fakes.lease.row?.owner).toBeUndefined();
  });

  it('our earlier import was overwritten by an update we did not make (a redrive): re-applies, and names the NEW entry', async () => {
    const fakes = install({ pkg: idle([initial, { PackageVersion: 'v2', CommitMessage: OURS }, { PackageVersion: 'v3', CommitMessage: 'by hand' }]) });

    const result = await updateOpenSearch(ours(), deps());

    expect(mutations(fakes)).toHaveLength(2);
    expect(fakes.pkg.history.at(-1)).toEqual({ PackageVersion: 'v4', CommitMessage: OURS });
    // CheckOpenSearch's fast path compares AvailablePackageVersion with this: it must be v4, not v2.
    expect(result).toMatchObject({ outcome: 'importing', packageVersion: 'v4' });
  });

  it("someone else's import failed last: this release imports over it", async () => {
    const fakes = install({ pkg: { status: 'COPY_FAILED', available: 'v1', history: [initial, { PackageVersion: 'v2', CommitMessage: 'by hand' }] } });
    await expect(updateOpenSearch(ours(), deps())).resolves.toMatchObject({ outcome: 'importing', packageVersion: 'v3' });
    expect(mutations(fakes)).toHaveLength(2);
  });

  it("someone else's import is running: OpenSearchPackageBusy, nothing staged or updated", async () => {
    const fakes = install({ pkg: { status: 'COPYING', available: 'v1', history: [initial, { PackageVersion: 'v2', CommitMessage: 'by hand' }] } });

    const error = await failure(updateOpenSearch(ours(), deps()));

    expect(error).toBeInstanceOf(OpenSearchPackageBusy);
    expect(error.message).toMatch(/edge-agent-dict is COPYING with an update this release did not start/);
    expect(mutations(fakes)).toEqual([]);
  });

  it('the lease is taken over right before UpdatePackage (stale fence): OpenSearchPackageLocked, no UpdatePackage', async () => {
    const fakes = install({ pkg: idle([initial]) });
    // Another execution takes the lease while this one copies (e.g. this invocation stalled past the TTL).
    s3.on(CopyObjectCommand).callsFake(() => {
      fakes.sequence.push('s3:CopyObject');
      fakes.lease.row = heldBy('faster-execution', 2);
      return {};
    });

    const error = await failure(updateOpenSearch(ours(), deps()));

    expect(error).toBeInstanceOf(OpenSearchPackageLocked);
    expect(error.message).toMatch(/taken over before UpdatePackage/);
    expect(fakes.sequence).not.toContain('es:UpdatePackage');
    expect(os.commandCalls(UpdatePackageCommand)).toHaveLength(0);
    expect(fakes.lease.row).toEqual(heldBy('faster-execution', 2));
  });

  it('UpdatePackage answers ConflictException (busy): OpenSearchPackageBusy', async () => {
    install({ pkg: idle([initial]) });
    os.on(UpdatePackageCommand).rejects(Object.assign(new Error('Package is busy'), { name: 'ConflictException' }));
    await expect(updateOpenSearch(ours(), deps())).rejects.toThrow(OpenSearchPackageBusy);
  });

  it('names the missing package and how to fix it, and gives the lease back', async () => {
    const fakes = install({ pkg: idle([initial]) });
    os.reset();
    os.resolves({ PackageDetailsList: [] });
    await expect(updateOpenSearch(ours(), deps())).rejects.toThrow(OpenSearchPackageNotFound);
    await expect(updateOpenSearch(ours(), deps())).rejects.toThrow(/no OpenSearch package named "edge-agent-dict".*config\/packages.json/);
    expect(fakes.sequence.filter((c) => c.startsWith('lease:'))).toEqual(['lease:acquire ok', 'lease:release ok', 'lease:acquire ok', 'lease:release ok']);
    expect(fakes.lease.row?.owner).toBeUndefined();
  });

  it('without an execution name the lease owner is the clientToken', async () => {
    const r = release();
    const fakes = install({ pkg: idle([initial]) });
    await updateOpenSearch(r, deps());
    expect(fakes.lease.row?.owner).toBe(r.clientToken);
  });

  describe('waitIfLocked: the one read before the Powertools record', () => {
    it('another release holds the lease and no memo covers this release: OpenSearchPackageLocked, after one read and nothing else', async () => {
      const fakes = install({ lease: heldBy('other-execution', 7, { version: '1.1.0', packageId: 'F111' }), pkg: idle([initial]) });
      await expect(waitIfLocked(ours(), deps())).rejects.toThrow(/held by edge-agent@9\.9\.9 \(execution other-execution\); waiting for it/);
      expect(fakes.sequence).toEqual(['lease:get']);
    });

    it('goes on when the lease is free, expired, this execution\'s own, or the memo says the package serves this release or newer', async () => {
      const free = { fence: 3, leaseExpiresAt: 0 };
      const expired = { ...heldBy('other-execution'), leaseExpiresAt: NOW - 1 };
      const own = heldBy(EXECUTION);
      const covered = heldBy('other-execution', 7, { version: '1.2.0', packageId: 'F111' });
      for (const lease of [undefined, free, expired, own, covered]) {
        install({ lease, pkg: idle([initial]) });
        await expect(waitIfLocked(ours(), deps()), JSON.stringify(lease)).resolves.toBeUndefined();
      }
    });
  });
});
