import { UpdatePackageCommand } from '@aws-sdk/client-opensearch';
import { describe, expect, it } from 'vitest';
import { OpenSearchNotReady, OpenSearchPackageFailed, OpenSearchPackageLocked } from '../../lib/release/errors';
import { commitMessage } from '../../lib/release/identity';
import { checkOpenSearch } from '../../lib/release/steps/check-opensearch';
import type { UpdateOpenSearchResult } from '../../lib/release/steps/update-opensearch';
import { release } from '../fixtures/release';
import { failure } from '../twin/helpers';
import { deps, heldBy, install, type LeaseRow, mutations, NOW, os, PACKAGE_ID, TTL_SECONDS } from './opensearch-fakes';

const EXECUTION = 'edge-agent-1.2.0-0123456789abcdef';
const ours = () => release({ execution: EXECUTION });
const OURS = commitMessage('edge-agent', '1.2.0', ours().clientToken);
const NEWER = commitMessage('edge-agent', '1.3.0', 'b'.repeat(64));
const initial = { PackageVersion: 'v1', CommitMessage: 'initial' };

/** What UpdateOpenSearch returned: our import is v2, under the lease with fence 3. */
const importing: UpdateOpenSearchResult = { packageId: PACKAGE_ID, packageName: 'edge-agent-dict', outcome: 'importing', commitMessage: OURS, packageVersion: 'v2', fence: 3 };
const ourLease: LeaseRow = { owner: EXECUTION, holder: 'edge-agent@1.2.0', fence: 3, leaseExpiresAt: NOW + 1000 };

const lookups = (sequence: string[]) => sequence.filter((c) => c.startsWith('es:Describe') || c === 'es:GetPackageVersionHistory');

describe('checkOpenSearch', () => {
  it.each(['served', 'superseded'] as const)('an UpdateOpenSearch outcome of %s is final: no call at all', async (outcome) => {
    const fakes = install({ pkg: { status: 'AVAILABLE', available: 'v1', history: [initial] } });
    const update = { ...importing, outcome, servedVersion: '1.3.0' };
    await expect(checkOpenSearch(ours(), update, deps())).resolves.toEqual(update);
    expect(fakes.sequence).toEqual([]);
  });

  describe('fast path: the lease is still ours with the same fence', () => {
    it('our version is AVAILABLE: served, with one DescribePackages and no history; the lease is released', async () => {
      const fakes = install({ lease: ourLease, pkg: { status: 'AVAILABLE', available: 'v2', history: [initial, { PackageVersion: 'v2', CommitMessage: OURS }] } });

      const result = await checkOpenSearch(ours(), importing, deps());

      // The package type from this very description, even when UpdateOpenSearch's stored result (older code) had none.
      expect(result).toEqual({ ...importing, outcome: 'served', servedVersion: '1.2.0', packageType: 'TXT-DICTIONARY' });
      expect(fakes.sequence).toEqual(['lease:renew ok', 'es:DescribePackages PackageID', 'lease:release ok']);
      expect(fakes.lease.row?.owner).toBeUndefined();
    });

    it('still importing: OpenSearchNotReady (the ASL polls again), lease renewed and kept', async () => {
      const fakes = install({ lease: ourLease, pkg: { status: 'VALIDATING', available: 'v1', history: [initial, { PackageVersion: 'v2', CommitMessage: OURS }] } });

      const error = await failure(checkOpenSearch(ours(), importing, deps()));

      expect(error).toBeInstanceOf(OpenSearchNotReady);
      expect(error.message).toMatch(/edge-agent-dict is still VALIDATING with this release's content \(v2\)/);
      expect(fakes.sequence).toEqual(['lease:renew ok', 'es:DescribePackages PackageID']);
      expect(fakes.lease.row).toEqual({ ...ourLease, leaseExpiresAt: NOW + TTL_SECONDS * 1000 });
    });

    it('our import failed: OpenSearchPackageFailed with the ErrorDetails, lease released, nothing re-applied', async () => {
      const fakes = install({
        lease: ourLease,
        pkg: {
          status: 'COPY_FAILED',
          available: 'v1',
          history: [initial, { PackageVersion: 'v2', CommitMessage: OURS }],
          errorDetails: { ErrorType: 'S3_ACCESS_DENIED', ErrorMessage: 'SSE-KMS' },
        },
      });

      const error = await failure(checkOpenSearch(ours(), importing, deps()));

      expect(error).toBeInstanceOf(OpenSearchPackageFailed);
      expect(error.message).toBe('OpenSearch package edge-agent-dict is COPY_FAILED: S3_ACCESS_DENIED: SSE-KMS');
      expect(fakes.sequence).toEqual(['lease:renew ok', 'es:DescribePackages PackageID', 'lease:release ok']);
      expect(mutations(fakes)).toEqual([]);
    });
  });

  describe('falls back to a full look-and-act pass', () => {
    it('the lease was lost to another release that then served newer content (its memo says so): superseded, nothing applied', async () => {
      const memo = { version: '1.3.0', packageId: 'F111', packageVersion: 'v3' };
      const fakes = install({ lease: heldBy('newer-execution', 5, memo), pkg: { status: 'AVAILABLE', available: 'v3', history: [initial, { PackageVersion: 'v2', CommitMessage: OURS }, { PackageVersion: 'v3', CommitMessage: NEWER }] } });

      const result = await checkOpenSearch(ours(), importing, deps());

      expect(result).toMatchObject({ outcome: 'superseded', servedVersion: '1.3.0' });
      expect(fakes.sequence.filter((c) => c.startsWith('lease:'))).toEqual(['lease:renew lost', 'lease:acquire lost']);
      expect(mutations(fakes)).toEqual([]);
      expect(fakes.lease.row).toEqual(heldBy('newer-execution', 5, memo));
    });

    it('the lease was lost and another release holds it, serving nothing newer: OpenSearchPackageLocked (wait for it)', async () => {
      const fakes = install({ lease: heldBy('other-execution', 5), pkg: { status: 'COPYING', available: 'v1', history: [initial, { PackageVersion: 'v2', CommitMessage: OURS }, { PackageVersion: 'v3', CommitMessage: 'by hand' }] } });

      await expect(checkOpenSearch(ours(), importing, deps())).rejects.toThrow(OpenSearchPackageLocked);
      expect(mutations(fakes)).toEqual([]);
    });

    it('our import was overwritten by an update we did not make: takes the lease again and re-applies this release', async () => {
      // v3 came from outside pkgrelease after our v2; the package serves it, not this release.
      const fakes = install({ lease: ourLease, pkg: { status: 'AVAILABLE', available: 'v3', history: [initial, { PackageVersion: 'v2', CommitMessage: OURS }, { PackageVersion: 'v3', CommitMessage: 'by hand' }] } });

      const error = await failure(checkOpenSearch(ours(), importing, deps()));

      expect(error).toBeInstanceOf(OpenSearchNotReady);
      // The poll names the import it now waits for: the new entry, not the overwritten one.
      expect(error.message).toMatch(/\(v4\)/);
      expect(fakes.sequence.filter((c) => c.startsWith('lease:') || c === 'es:UpdatePackage')).toEqual([
        'lease:renew ok',
        'lease:acquire ok',
        'lease:renew ok',
        'es:UpdatePackage',
      ]);
      expect(os.commandCalls(UpdatePackageCommand)[0]!.args[0].input.CommitMessage).toBe(OURS);
      expect(fakes.lease.row).toMatchObject({ owner: EXECUTION, fence: 4 });
    });

    it('the lease was lost (expired and freed) and our import was overwritten meanwhile: re-applies under a new lease', async () => {
      const fakes = install({ lease: { fence: 9, leaseExpiresAt: 0 }, pkg: { status: 'AVAILABLE', available: 'v3', history: [initial, { PackageVersion: 'v2', CommitMessage: OURS }, { PackageVersion: 'v3', CommitMessage: 'by hand' }] } });

      await expect(checkOpenSearch(ours(), importing, deps())).rejects.toThrow(OpenSearchNotReady);

      expect(fakes.sequence.filter((c) => c.startsWith('lease:') || c === 'es:UpdatePackage')).toEqual(['lease:renew lost', 'lease:acquire ok', 'lease:renew ok', 'es:UpdatePackage']);
      expect(fakes.pkg.history.at(-1)).toEqual({ PackageVersion: 'v4', CommitMessage: OURS });
      expect(fakes.lease.row).toMatchObject({ owner: EXECUTION, fence: 10 });
    });

    it('the lease expired and was freed (a redrive days later): our content is served, so served with no update', async () => {
      const fakes = install({ lease: { fence: 9, leaseExpiresAt: 0 }, pkg: { status: 'AVAILABLE', available: 'v2', history: [initial, { PackageVersion: 'v2', CommitMessage: OURS }] } });

      await expect(checkOpenSearch(ours(), importing, deps())).resolves.toMatchObject({ outcome: 'served', servedVersion: '1.2.0', packageVersion: 'v2' });
      expect(lookups(fakes.sequence)).toContain('es:GetPackageVersionHistory');
      expect(mutations(fakes)).toEqual([]);
      expect(fakes.lease.row?.owner).toBeUndefined();
    });

    it('no fence in the UpdateOpenSearch result (an import found in flight by an older record): looks fully, polls again', async () => {
      const fakes = install({ lease: ourLease, pkg: { status: 'COPYING', available: 'v1', history: [initial, { PackageVersion: 'v2', CommitMessage: OURS }] } });
      const { fence: _fence, ...withoutFence } = importing;

      await expect(checkOpenSearch(ours(), withoutFence, deps())).rejects.toThrow(OpenSearchNotReady);
      expect(fakes.sequence.filter((c) => c.startsWith('lease:'))).toEqual(['lease:acquire ok']);
      expect(mutations(fakes)).toEqual([]);
    });
  });
});
