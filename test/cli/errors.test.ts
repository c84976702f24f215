import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pkgrelease, removeTempDirs, tempDir, tempFile } from './helpers';

afterAll(removeTempDirs);

/** One line on stderr, no stack trace. */
const oneLine = (stderr: string) => {
  expect(stderr.trimEnd().split('\n'), stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

// Each test has its own temp dir and subprocesses that share nothing: run them concurrently (the
// subprocesses mostly wait; a worker that waits for one at a time idles).
describe.concurrent('expected failures: one line naming the problem and the fix, exit 2 for usage, 1 for failed releases', () => {
  it('a missing file is a usage error (2) naming the path; --debug adds the stack', async () => {
    const dir = tempDir();
    const missing = join(dir, 'missing.txt');
    const [r, debug] = await Promise.all([
      pkgrelease(['local', 'publish', missing, '--package', 'edge-agent', '--version', '1.0.0', '--state-dir', dir]),
      pkgrelease(['local', 'publish', missing, '--package', 'edge-agent', '--version', '1.0.0', '--state-dir', dir, '--debug']),
    ]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe(`pkgrelease: ${missing}: no such file or directory: check the path\n`);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/^pkgrelease: .*missing\.txt: no such file or directory: check the path\nError: ENOENT[^\n]*\n\s+at /);
  });

  it('conflicting or missing flags are usage errors (2); commander\'s own errors too', async () => {
    const { dir, file } = tempFile('a.txt', 'alpha\n');
    // Usage errors are refused before any state is touched: the five runs are independent.
    const [both, neither, bogus, port, since] = await Promise.all([
      pkgrelease(['local', 'publish', file, '--key', 'releases/edge-agent/1.0.0/a.txt', '--package', 'edge-agent', '--state-dir', dir]),
      pkgrelease(['local', 'publish', file, '--state-dir', dir]),
      pkgrelease(['local', 'publish', file, '--bogus']),
      pkgrelease(['local', 'serve', '--port', 'x']),
      pkgrelease(['status', '--since', '3x', '--stage', 'prod']),
    ]);
    expect(both.code).toBe(2);
    oneLine(both.stderr);
    expect(both.stderr).toMatch(/give either --key or --package and --version/);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/--package <name> and --version <name>/);
    expect(bogus.code).toBe(2);
    expect(port.code).toBe(2);
    expect(since.stderr).toMatch(/^pkgrelease: --since "3x" is neither a duration/);
  });

  it('an empty artifact is refused (1) before anything is uploaded', async () => {
    const { dir, file } = tempFile('empty.txt', '');
    const r = await pkgrelease(['local', 'publish', file, '--package', 'edge-agent', '--version', '1.0.0', '--state-dir', join(dir, 'state')]);
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/^pkgrelease: InvalidRelease: artifact: the artifact is empty \(0 bytes\)/);
  });

  it('a project config/packages.json is used: an unconfigured package is refused, naming the file to edit', async () => {
    const { dir, file } = tempFile('a.txt', 'alpha\n');
    const r = await pkgrelease(['local', 'publish', file, '--package', 'not-configured', '--version', '1.0.0', '--state-dir', join(dir, 'state')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/package "not-configured" is not in .*config\/packages\.json: add it under "packages"/);
  });

  it('a scenario with several problems reports all of them with JSON paths, typos in fault operations included', async () => {
    const { file: scenario } = tempFile('bad.json', {
      faults: [{ operation: 'iot:CreatePackageVerison', kind: 'throttle' }, { operation: 'es:*', kind: 'slow' }],
      uploads: [{ key: 'releases/a/1/x.txt' }],
    });
    const r = await pkgrelease(['local', 'run', scenario]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toContain('has 4 problem(s)');
    expect(r.stderr).toContain('$.packages: ');
    expect(r.stderr).toMatch(/\$\.faults\[0\]\.operation: the twin has no operation "iot:CreatePackageVerison"; iot operations: .*CreatePackageVersion/);
    expect(r.stderr).toContain('$.faults[1].kind: ');
    expect(r.stderr).toContain('$.uploads[0]: give exactly one of content, contentBase64 or file');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unknown execution is a usage error that says where to find the names', async () => {
    const r = await pkgrelease(['local', 'redrive', 'nope', '--state-dir', tempDir()]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/Execution Does Not Exist: 'nope'; list the executions with "pkgrelease local state"/);
  });

  it('--version prints the version; --version after "local publish" is the release\'s version', async () => {
    const [r, help] = await Promise.all([pkgrelease(['--version']), pkgrelease(['local', 'publish', '--help'])]);
    expect(r).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    expect(help.stdout).toMatch(/--version <name>\s+package version name/);
  });
});
