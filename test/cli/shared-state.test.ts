import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../local/engine/executions';
import type { LocalReport } from '../../local/session';
import { pkgrelease, removeTempDirs, startServe, tempDir } from './helpers';

afterAll(removeTempDirs);

/** A project directory without config/packages.json: publish configures packages in the state dir. */
function workspace() {
  const cwd = tempDir();
  const stateDir = join(cwd, 'state');
  const file = (name: string, content: string) => {
    writeFileSync(join(cwd, name), content);
    return join(cwd, name);
  };
  return { cwd, stateDir, file };
}

// Each test has its own workspace, state dir and serve (on its own ports): the tests with a serve
// run concurrently. The last one stays alone: it needs its two publishes to overlap.
describe('one state dir, several commands', () => {
  it.concurrent('a serve and three concurrent local commands (two publishes, a state) on one state dir all succeed', async () => {
    const { cwd, stateDir, file } = workspace();
    const serve = await startServe(stateDir, [], cwd);
    try {
      const [a, b, state] = await Promise.all([
        pkgrelease(['local', 'publish', file('a.txt', 'alpha\n'), '--package', 'edge-agent', '--version', '1.0.0', '--state-dir', stateDir, '--json'], { cwd }),
        pkgrelease(['local', 'publish', file('b.txt', 'beta\n'), '--package', 'edge-tools', '--version', '2.0.0', '--state-dir', stateDir, '--json'], { cwd }),
        pkgrelease(['local', 'state', '--state-dir', stateDir, '--json'], { cwd }),
      ]);
      for (const r of [a, b, state]) expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
      expect((JSON.parse(a.stdout) as LocalReport).executions).toEqual([expect.objectContaining({ status: 'SUCCEEDED', name: expect.stringMatching(/^edge-agent-1\.0\.0-/) })]);
      expect((JSON.parse(b.stdout) as LocalReport).executions).toEqual([expect.objectContaining({ status: 'SUCCEEDED', name: expect.stringMatching(/^edge-tools-2\.0\.0-/) })]);

      const after = await pkgrelease(['local', 'state', '--state-dir', stateDir, '--json'], { cwd });
      const report = JSON.parse(after.stdout) as LocalReport;
      expect(report.executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      expect(report.catalog.iot['edge-tools']!.defaultVersion).toBe('2.0.0');
      expect(report.calls['iot:CreatePackageVersion']!.succeeded).toBe(2);
      // Persisted as it happens: executions.json already holds both while the serve still runs.
      const saved = JSON.parse(readFileSync(join(stateDir, 'executions.json'), 'utf8')) as ExecutionRecord[];
      expect(saved.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      expect(serve.output()).toMatch(/edge-tools-2\.0\.0-[0-9a-f]+: SUCCEEDED/);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    expect(existsSync(join(stateDir, 'serve.json'))).toBe(false);
  });

  it.concurrent('serve listens on the --port given; local env prints the same export lines; the Step Functions API lists the state machine', async () => {
    const { cwd, stateDir } = workspace();
    const serve = await startServe(stateDir, [], cwd);
    try {
      // Read-only commands against the serve: run together.
      const sfn = new SFNClient({ endpoint: `http://127.0.0.1:${serve.info.port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
      const [env, { stateMachines }, refusedServe, refusedReset, clash] = await Promise.all([
        pkgrelease(['local', 'env', '--state-dir', stateDir], { cwd }),
        sfn.send(new ListStateMachinesCommand({})),
        pkgrelease(['local', 'serve', '--port', String(serve.info.port + 10), '--state-dir', stateDir], { cwd }),
        pkgrelease(['local', 'reset', '--state-dir', stateDir], { cwd }),
        // The port is taken: a second serve on another state dir says so.
        pkgrelease(['local', 'serve', '--state-dir', join(cwd, 'other'), '--port', String(serve.info.port)], { cwd }),
      ]);
      expect(env.code).toBe(0);
      expect(env.stdout).toContain(`export AWS_ENDPOINT_URL_SFN=http://127.0.0.1:${serve.info.port}\n`);
      expect(env.stdout).toContain(`export AWS_ENDPOINT_URL_S3=http://127.0.0.1:${serve.info.port + 1}\n`);
      expect(serve.output()).toContain(env.stdout.split('\n').find((l) => l.startsWith('export AWS_ENDPOINT_URL_IOT'))!);
      expect(stateMachines!.map((m) => m.stateMachineArn)).toEqual([serve.info.stateMachineArn, `${serve.info.stateMachineArn}-rollback`]);
      // The state dir is the serve's: a second serve or a reset on it is refused, saying why.
      for (const refused of [refusedServe, refusedReset]) {
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(new RegExp(`^pkgrelease: "pkgrelease local serve" \\(pid ${serve.info.pid}, port ${serve.info.port}\\) is using .*: stop it first`));
      }
      expect(clash.code).toBe(1);
      expect(clash.stderr).toMatch(/EADDRINUSE.*pass --port/);
    } finally {
      await serve.stop();
    }
    const none = await pkgrelease(['local', 'env', '--state-dir', stateDir], { cwd });
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toMatch(/^pkgrelease: no "pkgrelease local serve" is running on .*state: start one/);
  });

  it.concurrent('under serve, an upload outside the key convention is reported in the serve log and by a non-zero exit', async () => {
    const { cwd, stateDir, file } = workspace();
    const serve = await startServe(stateDir, [], cwd);
    try {
      const r = await pkgrelease(['local', 'publish', file('a.txt', 'alpha\n'), '--key', 'builds/edge-agent/a.txt', '--state-dir', stateDir], { cwd });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^pkgrelease: uploaded s3:\/\/pkgrelease-local-artifacts\/builds\/edge-agent\/a\.txt, but no release started: only keys releases\/<package>\/<version>\/<file> trigger one/);
      expect(serve.output()).toContain('s3://pkgrelease-local-artifacts/builds/edge-agent/a.txt: no release started');
    } finally {
      await serve.stop();
    }
  });

  it.concurrent('a killed serve loses nothing: its executions are on disk and the next command takes over the state dir', async () => {
    const { cwd, stateDir, file } = workspace();
    const serve = await startServe(stateDir, [], cwd);
    const published = await pkgrelease(['local', 'publish', file('a.txt', 'alpha\n'), '--package', 'edge-agent', '--version', '1.0.0', '--state-dir', stateDir], { cwd });
    expect(published.code).toBe(0);
    await serve.stop('SIGKILL');
    const state = await pkgrelease(['local', 'state', '--state-dir', stateDir, '--json'], { cwd });
    expect(state.code).toBe(0);
    expect((JSON.parse(state.stdout) as LocalReport).executions).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
  });

  it('without a serve, two concurrent publishes take turns on the state dir and both succeed', async () => {
    const { cwd, stateDir, file } = workspace();
    const [a, b] = await Promise.all([
      pkgrelease(['local', 'publish', file('a.txt', 'alpha\n'), '--package', 'edge-agent', '--version', '1.0.0', '--state-dir', stateDir, '--json'], { cwd }),
      pkgrelease(['local', 'publish', file('b.txt', 'beta\n'), '--package', 'edge-agent', '--version', '1.1.0', '--state-dir', stateDir, '--json'], { cwd }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stderr + b.stderr).toMatch(/waiting for "pkgrelease local publish .*" \(pid \d+\) to finish with/);
    const state = await pkgrelease(['local', 'state', '--state-dir', stateDir, '--json'], { cwd });
    expect((JSON.parse(state.stdout) as LocalReport).catalog.iot['edge-agent']!.defaultVersion).toBe('1.1.0');
    // Without a serve too, an upload outside the key convention is a non-zero exit that says why.
    const ignored = await pkgrelease(['local', 'publish', file('c.txt', 'gamma\n'), '--key', 'builds/edge-agent/c.txt', '--state-dir', stateDir], { cwd });
    expect(ignored.code).toBe(1);
    expect(ignored.stderr).toMatch(/pkgrelease: uploaded s3:\/\/pkgrelease-local-artifacts\/builds\/edge-agent\/c\.txt, but no release started/);
  });
});
