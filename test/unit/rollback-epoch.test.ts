import { UpdatePackageCommand } from '@aws-sdk/client-opensearch';
import { describe, expect, it } from 'vitest';
import { barredByRollback } from '../../lib/release/rollback/epoch';
import { updateOpenSearch } from '../../lib/release/steps/update-opensearch';
import { release } from '../fixtures/release';
import { deps, install, NOW, os } from './opensearch-fakes';

const EXECUTION = 'edge-agent-1.2.0-0123456789abcdef';
const idle = { status: 'AVAILABLE', available: 'v1', history: [{ PackageVersion: 'v1', CommitMessage: 'initial' }] };
const rolledBack = (barredThrough: string) => ({ epoch: 1, head: '1.0.0', barredThrough, token: 'rb' });

describe('the head a rollback moved (the epoch in the OpenSearch lease record)', () => {
  it('bars every version up to the newest rolled back from, except the head; newer versions go forward', () => {
    const rb = rolledBack('1.2.0');
    expect(barredByRollback(rb, '1.2.0')).toBe(true);
    expect(barredByRollback(rb, '1.1.0')).toBe(true);
    expect(barredByRollback(rb, '0.9.0')).toBe(true);
    expect(barredByRollback(rb, '1.0.0')).toBe(false);
    expect(barredByRollback(rb, '1.3.0')).toBe(false);
    expect(barredByRollback(undefined, '0.1.0')).toBe(false);
  });

  it('a release (or its redrive) of a rolled back version succeeds as superseded without UpdatePackage, and frees the lease', async () => {
    const fakes = install({ lease: { rolledBack: rolledBack('1.2.0'), leaseExpiresAt: 0, fence: 3 }, pkg: idle });
    const result = await updateOpenSearch(release({ execution: EXECUTION }), deps());
    expect(result).toMatchObject({ outcome: 'superseded', servedVersion: '1.0.0' });
    expect(os.commandCalls(UpdatePackageCommand)).toHaveLength(0);
    expect(fakes.lease.row?.owner).toBeUndefined();
  });

  it('a release of a version newer than every rolled back one imports as usual', async () => {
    install({ lease: { rolledBack: rolledBack('1.1.0'), leaseExpiresAt: NOW - 1, fence: 3 }, pkg: idle });
    await expect(updateOpenSearch(release({ execution: EXECUTION }), deps())).resolves.toMatchObject({ outcome: 'importing' });
    expect(os.commandCalls(UpdatePackageCommand)).toHaveLength(1);
  });
});
