import { UpdatePackageCommand } from '@aws-sdk/client-opensearch';
import { describe, expect, it } from 'vitest';
import { commitMessage, parseCommitMessage, rollbackCommitMessage } from '../../lib/release/identity';
import { rollBackOpenSearch } from '../../lib/release/rollback/opensearch';
import type { RollbackPlan } from '../../lib/release/rollback/validate';
import { updateOpenSearch } from '../../lib/release/steps/update-opensearch';
import { release } from '../fixtures/release';
import { deps, install, os } from './opensearch-fakes';

const TOKEN = 'r'.repeat(64);
const request = { packageName: 'edge-agent', targetVersion: '1.0.0', opensearch: { packageName: 'edge-agent-dict' }, requestedBy: 'alice@example.com', rollbackToken: TOKEN, execution: 'rollback-edge-agent-1' };
const plan: RollbackPlan = { target: { versionName: '1.0.0', bucket: 'artifacts', key: 'releases/edge-agent/1.0.0/agent.zip', version: 'v-100', etag: '"e100"' }, head: '1.2.0', above: ['1.1.0', '1.2.0'] };
const servingBad = () => ({
  status: 'AVAILABLE',
  available: 'v3',
  history: [
    { PackageVersion: 'v1', CommitMessage: 'initial' },
    { PackageVersion: 'v2', CommitMessage: commitMessage('edge-agent', '1.0.0', 'a'.repeat(64)) },
    { PackageVersion: 'v3', CommitMessage: commitMessage('edge-agent', '1.2.0', 'b'.repeat(64)) },
  ],
});

describe('rollBackOpenSearch', () => {
  it('moves the head in the lease record, then imports the target\'s pinned bytes with a commit that says rollback, of which version, by whom', async () => {
    const fakes = install({ pkg: servingBad() });
    const result = await rollBackOpenSearch(request, plan, deps());

    expect(result).toMatchObject({ outcome: 'importing', packageVersion: 'v4', fence: 1 });
    expect(fakes.lease.row?.rolledBack).toEqual({ epoch: 1, head: '1.0.0', barredThrough: '1.2.0', token: TOKEN });
    const update = os.commandCalls(UpdatePackageCommand)[0]!.args[0].input;
    expect(update.CommitMessage).toBe(rollbackCommitMessage('edge-agent', '1.0.0', TOKEN, 'alice@example.com'));
    expect(parseCommitMessage(update.CommitMessage)).toMatchObject({ versionName: '1.0.0', rollbackBy: 'alice@example.com', packageName: 'edge-agent' });
    expect(fakes.sequence.filter((c) => c.startsWith('lease:') || c.startsWith('s3:') || c === 'es:UpdatePackage')).toEqual([
      'lease:acquire ok',
      'lease:head ok',
      expect.stringMatching(/^s3:CopyObject staging\/edge-agent\/1\.0\.0\/rollback-[0-9a-f]{16}\/agent\.zip$/),
      'lease:renew ok',
      'es:UpdatePackage',
    ]);
  });

  it('a retry while its import runs finds it and never imports twice', async () => {
    const fakes = install({ pkg: servingBad() });
    await rollBackOpenSearch(request, plan, deps());
    const again = await rollBackOpenSearch(request, plan, deps());
    expect(again).toMatchObject({ outcome: 'importing', packageVersion: 'v4' });
    expect(os.commandCalls(UpdatePackageCommand)).toHaveLength(1);
    expect(fakes.lease.row?.rolledBack?.epoch).toBe(1);
  });

  it('after the rollback a redrive of the bad release changes nothing; a new release goes forward', async () => {
    const fakes = install({ pkg: servingBad() });
    await rollBackOpenSearch(request, plan, deps());
    fakes.pkg.status = 'AVAILABLE';
    fakes.pkg.available = 'v4';
    fakes.lease.row = { ...fakes.lease.row!, owner: undefined, holder: undefined, leaseExpiresAt: 0 };

    await expect(updateOpenSearch(release({ versionName: '1.2.0', execution: 'bad-1.2.0' }), deps())).resolves.toMatchObject({ outcome: 'superseded', servedVersion: '1.0.0' });
    await expect(updateOpenSearch(release({ versionName: '1.1.0', execution: 'bad-1.1.0' }), deps())).resolves.toMatchObject({ outcome: 'superseded' });
    expect(os.commandCalls(UpdatePackageCommand)).toHaveLength(1);

    await expect(updateOpenSearch(release({ versionName: '1.3.0', execution: 'new-1.3.0' }), deps())).resolves.toMatchObject({ outcome: 'importing' });
    expect(os.commandCalls(UpdatePackageCommand)).toHaveLength(2);
  });

  it('a late redrive of the rollback after a newer release went forward leaves the package alone', async () => {
    const pkg = servingBad();
    pkg.history.push({ PackageVersion: 'v4', CommitMessage: commitMessage('edge-agent', '1.3.0', 'c'.repeat(64)) });
    pkg.available = 'v4';
    install({ pkg });
    await expect(rollBackOpenSearch(request, plan, deps())).resolves.toMatchObject({ outcome: 'superseded', servedVersion: '1.3.0' });
    expect(os.commandCalls(UpdatePackageCommand)).toHaveLength(0);
  });

  it('two rollbacks at once: the one that moves the head first wins; the other, planned before that move, is superseded and changes nothing', async () => {
    const fakes = install({ pkg: servingBad() });
    const planned = { ...plan, headEpoch: 0 };
    const other = { ...request, targetVersion: '1.1.0', rollbackToken: 's'.repeat(64), execution: 'rollback-edge-agent-2' };
    await rollBackOpenSearch(request, planned, deps());
    fakes.pkg.status = 'AVAILABLE';
    fakes.pkg.available = 'v4';
    fakes.lease.row = { ...fakes.lease.row!, owner: undefined, holder: undefined, leaseExpiresAt: 0 };
    const second = await rollBackOpenSearch(other, { ...planned, target: { ...plan.target, versionName: '1.1.0' } }, deps());
    expect(second).toMatchObject({ outcome: 'superseded', servedVersion: '1.0.0' });
    expect(fakes.lease.row?.rolledBack).toEqual({ epoch: 1, head: '1.0.0', barredThrough: '1.2.0', token: TOKEN });
    expect(os.commandCalls(UpdatePackageCommand)).toHaveLength(1);
    // A rollback planned after that move (it saw epoch 1) goes ahead.
    const later = await rollBackOpenSearch({ ...other, targetVersion: '0.9.0' }, { ...planned, headEpoch: 1, head: '1.0.0', target: { ...plan.target, versionName: '0.9.0' } }, deps());
    expect(later.outcome).toBe('importing');
    expect(fakes.lease.row?.rolledBack).toMatchObject({ epoch: 2, token: 's'.repeat(64) });
  });
});
