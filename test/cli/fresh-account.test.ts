import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalReport } from '../../local/session';
import { pkgrelease, removeTempDirs, startServe, tempDir, tempFile } from './helpers';

afterAll(removeTempDirs);

/**
 * The first release in an account nobody prepared for the Software Package Catalog, rehearsed with
 * the real bin, state machine, handlers and twin: it fails with FleetIndexingDisabled, the doctor
 * says what to change, and once it is changed a redrive releases it.
 */
describe.concurrent('a fresh account (fleet indexing off)', () => {
  it('local publish --fleet-indexing off: FleetIndexingDisabled → local doctor says what to change → --fix-indexing → local redrive succeeds', async () => {
    const cwd = tempDir();
    const stateDir = join(cwd, 'state');
    const config = join(cwd, 'packages.json');
    writeFileSync(config, JSON.stringify({ packages: { 'edge-agent': { opensearchPackage: 'edge-agent-dict' } } }));
    writeFileSync(join(cwd, 'words.txt'), 'alpha\nbeta\n');
    const common = ['--state-dir', stateDir, '--config', config];

    const first = await pkgrelease(['local', 'publish', 'words.txt', '--package', 'edge-agent', '--version', '1.0.0', '--fleet-indexing', 'off', ...common, '--json'], { cwd });
    expect(first.code, first.stderr).toBe(1);
    const failed = (JSON.parse(first.stdout) as LocalReport).executions[0]!;
    expect(failed).toMatchObject({ status: 'FAILED', error: 'FleetIndexingDisabled' });
    expect(failed.states.at(-1)).toBe('CreateVersion');
    // Terminal: CreateVersion ran once, not retried.
    expect(failed.stateStats.CreateVersion).toMatchObject({ retries: 0, errors: { FleetIndexingDisabled: 1 } });
    expect(failed.cause).toContain('pkgrelease doctor --fix-indexing');
    expect(failed.cause).toContain('redrive');
    expect(JSON.parse(first.stdout).catalog.iot['edge-agent']).toBeUndefined();

    const doctor = await pkgrelease(['local', 'doctor', ...common], { cwd });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/^FIX {3}fleet indexing: thingIndexingMode is OFF/m);
    expect(doctor.stdout).toContain(`fix: run "pkgrelease local doctor --state-dir ${stateDir} --fix-indexing"`);

    const fix = await pkgrelease(['local', 'doctor', ...common, '--fix-indexing'], { cwd });
    expect(fix.code, fix.stdout + fix.stderr).toBe(0);
    expect(fix.stdout).toMatch(/^changed fleet indexing \(account-wide\): thingIndexingMode OFF → REGISTRY_AND_SHADOW/m);

    const redrive = await pkgrelease(['local', 'redrive', failed.name, ...common, '--json'], { cwd });
    expect(redrive.code, redrive.stderr).toBe(0);
    const report = JSON.parse(redrive.stdout) as LocalReport;
    expect(report.executions).toEqual([expect.objectContaining({ name: failed.name, status: 'SUCCEEDED', redriveCount: 1 })]);
    expect(report.catalog.iot['edge-agent']).toMatchObject({ defaultVersion: '1.0.0', versions: { '1.0.0': { status: 'PUBLISHED' } } });
  }, 90_000);

  it('local commands default to fleet indexing on: the same publish without the option releases', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'words.txt'), 'alpha\n');
    const r = await pkgrelease(['local', 'publish', 'words.txt', '--package', 'edge-agent', '--version', '1.0.0', '--state-dir', join(cwd, 'state'), '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as LocalReport).executions[0]).toMatchObject({ status: 'SUCCEEDED' });
  }, 60_000);

  it('a scenario with "fleetIndexing": "off" rehearses the same: the release fails with FleetIndexingDisabled and nothing is created', async () => {
    const { file } = tempFile('scenario.json', {
      fleetIndexing: 'off',
      packages: { 'scenario-pkg': { opensearchPackage: 'scenario-dict' } },
      opensearchPackages: [{ name: 'scenario-dict', type: 'TXT-DICTIONARY' }],
      uploads: [{ key: 'releases/scenario-pkg/1.0.0/words.txt', content: 'alpha\n' }],
    });
    const run = await pkgrelease(['local', 'run', file, '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as LocalReport;
    expect(report.executions[0]).toMatchObject({ status: 'FAILED', error: 'FleetIndexingDisabled' });
    expect(report.catalog.iot['scenario-pkg']).toBeUndefined();
  }, 60_000);

  it('local serve --fleet-indexing off announces it, and a release through it fails with FleetIndexingDisabled', async () => {
    const cwd = tempDir();
    const stateDir = join(cwd, 'state');
    writeFileSync(join(cwd, 'words.txt'), 'alpha\n');
    const serve = await startServe(stateDir, ['--fleet-indexing', 'off'], cwd);
    try {
      expect(serve.output()).toContain('fleet indexing is OFF');
      const refused = await pkgrelease(['local', 'publish', 'words.txt', '--package', 'edge-agent', '--version', '1.0.0', '--state-dir', stateDir, '--fleet-indexing', 'off'], { cwd });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('local serve --fleet-indexing off');
      const r = await pkgrelease(['local', 'publish', 'words.txt', '--package', 'edge-agent', '--version', '1.0.0', '--state-dir', stateDir, '--json'], { cwd });
      expect(r.code).toBe(1);
      expect((JSON.parse(r.stdout) as LocalReport).executions[0]).toMatchObject({ status: 'FAILED', error: 'FleetIndexingDisabled' });
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  }, 90_000);
});
