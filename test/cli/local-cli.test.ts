import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main';
import type { LocalReport } from '../../local/session';
import { LocalSession } from '../../local/session';
import { pkgrelease as runCli, removeTempDirs, tempDir, tempFile } from './helpers';

afterAll(removeTempDirs);
const pkgrelease = (...args: string[]) => runCli(args);

function commands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(commands)];
}

// Every test has its own state (a temp dir, or a scenario's fresh twin): run them concurrently, so
// the worker does not idle while one subprocess at a time waits on its releases.
describe.concurrent('pkgrelease CLI', () => {
  it('every command has a description and --help', () => {
    for (const cmd of commands(buildProgram())) {
      expect(cmd.description(), cmd.name()).not.toBe('');
      expect(cmd.helpInformation()).toMatch(/^Usage: /);
    }
  });

  it('local run --json prints one JSON document and exits 0 when every execution succeeded (S3 drops and a CodePipeline manifest)', async () => {
    const { stdout, code } = await pkgrelease('local', 'run', 'examples/scenario.json', '--json');
    const report = JSON.parse(stdout) as LocalReport;
    expect(code).toBe(0);
    expect(report.executions.map((e) => [e.name.replace(/-[0-9a-f]{16}$/, ''), e.status]).sort()).toEqual([
      ['codepipeline-edge-plugin-1', 'SUCCEEDED'],
      ['edge-agent-1.0.0', 'SUCCEEDED'],
      ['edge-agent-1.1.0', 'SUCCEEDED'],
    ]);
    for (const e of report.executions) {
      expect(e.clientToken).toMatch(/^[0-9a-f]{64}$/);
      expect(e.states[0]).toBe('Prepare');
      expect(e.states.at(-1)).toBe('Released');
    }
    expect(report.catalog.iot['edge-agent']!.defaultVersion).toBe('1.1.0');
    expect(report.catalog.iot['edge-plugin']).toMatchObject({ defaultVersion: '1.0.0', versions: { '1.0.0': { status: 'PUBLISHED' } } });
    expect(report.catalog.opensearch['edge-plugin']!.status).toBe('AVAILABLE');
    // One throttle; ResourceNotFound for the first release of each new package (two releases of
    // edge-agent may both be first), after which CreatePackage runs and the version is created.
    const creates = report.calls['iot:CreatePackageVersion']!;
    expect(creates).toMatchObject({ succeeded: 3, injected: 1 });
    expect(creates.failed - creates.injected!).toBeGreaterThanOrEqual(2);
    expect(creates.failed - creates.injected!).toBeLessThanOrEqual(3);
  });

  it('local demo releases two versions on a fresh state dir and prints one JSON document', async () => {
    const { stdout, code } = await pkgrelease('local', 'demo', '--json');
    const report = JSON.parse(stdout) as LocalReport;
    expect(code).toBe(0);
    expect(report.executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(report.catalog.iot['edge-agent']).toMatchObject({ defaultVersion: '1.1.0', versions: { '1.0.0': { status: 'PUBLISHED' }, '1.1.0': { status: 'PUBLISHED' } } });
    expect(report.catalog.opensearch['edge-agent-synonyms']!.status).toBe('AVAILABLE');
  });

  it('local run exits 1 and names the error when a release fails', async () => {
    const { file: scenario } = tempFile('bad.json', {
      packages: { 'edge-agent': {} },
      opensearchPackages: [{ name: 'edge-agent', type: 'TXT-DICTIONARY' }],
      uploads: [{ key: 'releases/edge-agent/1.0.0+build/x.txt', content: 'x' }],
    });
    const { stdout, code } = await pkgrelease('local', 'run', scenario, '--json');
    const report = JSON.parse(stdout) as LocalReport;
    expect(code).toBe(1);
    expect(report.executions[0]).toMatchObject({ status: 'FAILED', error: 'InvalidRelease' });
    expect(report.executions[0]!.cause).toMatch(/versionName/);
    expect(report.catalog.iot).toEqual({});
  });

  it('local state persists between commands: publish 1.0.0, then 1.1.0, then state', async () => {
    const { dir: stateDir, file } = tempFile('words.txt', 'alpha\n');
    expect((await pkgrelease('local', 'publish', file, '--package', 'edge-agent', '--version', '1.0.0', '--state-dir', stateDir, '--json')).code).toBe(0);
    writeFileSync(file, 'alpha\nbeta\n');
    expect((await pkgrelease('local', 'publish', file, '--package', 'edge-agent', '--version', '1.1.0', '--state-dir', stateDir, '--json')).code).toBe(0);

    const { stdout } = await pkgrelease('local', 'state', '--state-dir', stateDir, '--json');
    const report = JSON.parse(stdout) as LocalReport;
    expect(report.executions).toHaveLength(2);
    expect(report.catalog.iot['edge-agent']).toMatchObject({ defaultVersion: '1.1.0', versions: { '1.0.0': { status: 'PUBLISHED' }, '1.1.0': { status: 'PUBLISHED' } } });
    expect(report.catalog.opensearch['edge-agent']!.history.filter((h) => h.commitMessage?.startsWith('pkgrelease'))).toHaveLength(2);
  });

  it('local redrive resumes a failed execution from the state dir', async () => {
    const stateDir = tempDir();
    const session = await LocalSession.start({
      config: { packages: { 'edge-agent': {} } },
      stateDir,
      faults: [{ operation: 'iot:UpdatePackageVersion', kind: 'error5xx', times: 1000 }],
    });
    await session.createOpenSearchPackage('edge-agent', 'TXT-DICTIONARY', 'x\n');
    await session.upload('releases/edge-agent/1.0.0/words.txt', 'alpha\n');
    await session.close();
    const failed = session.engine.list()[0]!;
    expect(failed.status).toBe('FAILED');
    expect(failed.states.at(-1)!.name).toBe('Promote');

    const { stdout, code } = await pkgrelease('local', 'redrive', failed.name, '--state-dir', stateDir, '--json');
    const report = JSON.parse(stdout) as LocalReport;
    expect(code).toBe(0);
    expect(report.executions).toEqual([expect.objectContaining({ name: failed.name, status: 'SUCCEEDED', redriveCount: 1 })]);
    expect(report.catalog.iot['edge-agent']).toMatchObject({ defaultVersion: '1.0.0', versions: { '1.0.0': { status: 'PUBLISHED' } } });
    // The redrive resumed at Promote: nothing before it ran again.
    expect(report.calls['iot:CreatePackageVersion']).toBeUndefined();
    expect(report.calls['es:UpdatePackage']).toBeUndefined();
  });
});
