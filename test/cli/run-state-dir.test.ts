import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalReport } from '../../local/session';
import { pkgrelease, removeTempDirs, tempDir, tempFile } from './helpers';

afterAll(removeTempDirs);

/** A scenario run can keep its state, so a failed release can be redriven afterwards, as in AWS. */
// The two tests use separate temp dirs: concurrent.
describe.concurrent('local run --state-dir', () => {
  it('keeps the run, so "local redrive" finishes what failed, with the scenario\'s packages', async () => {
    const { dir, file: scenario } = tempFile('scenario.json', {
      seed: 3,
      packages: { 'scenario-pkg': { opensearchPackage: 'scenario-dict' } },
      opensearchPackages: [{ name: 'scenario-dict', type: 'TXT-DICTIONARY' }],
      // Promote fails for good during the run: PUBLISH answers 5xx every time.
      faults: [{ operation: 'iot:UpdatePackageVersion', kind: 'error5xx' }],
      uploads: [{ key: 'releases/scenario-pkg/1.0.0/words.txt', content: 'alpha\n' }],
    });
    const stateDir = join(dir, 'state');

    const run = await pkgrelease(['local', 'run', scenario, '--state-dir', stateDir, '--json']);
    expect(run.code).toBe(1);
    const failed = (JSON.parse(run.stdout) as LocalReport).executions[0]!;
    expect(failed).toMatchObject({ status: 'FAILED', error: 'TransientAwsError' });
    expect(failed.states.at(-1)).toBe('Promote');

    // The faults belonged to the run; the redrive resumes at Promote with the scenario's configuration.
    const redrive = await pkgrelease(['local', 'redrive', failed.name, '--state-dir', stateDir, '--json']);
    expect(redrive.stderr).toBe('');
    expect(redrive.code).toBe(0);
    const report = JSON.parse(redrive.stdout) as LocalReport;
    expect(report.executions).toEqual([expect.objectContaining({ name: failed.name, status: 'SUCCEEDED', redriveCount: 1 })]);
    expect(report.catalog.iot['scenario-pkg']).toMatchObject({ defaultVersion: '1.0.0', versions: { '1.0.0': { status: 'PUBLISHED' } } });
  }, 60_000);

  it('refuses a state dir that is not empty, and changes nothing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'something'), 'x');
    const run = await pkgrelease(['local', 'run', 'examples/scenario.json', '--state-dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--state-dir .* is not empty: a scenario starts from a fresh twin/);
  });
});
