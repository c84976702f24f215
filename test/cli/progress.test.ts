import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalReport } from '../../local/session';
import { pkgrelease, ROOT, removeTempDirs, tempDir } from './helpers';

afterAll(removeTempDirs);
const run = promisify(execFile);

// The two tests share nothing (a scenario's fresh twin; a temp dir): concurrent.
describe.concurrent('local publish and its live progress', () => {
  // `script` gives the CLI a terminal, so listr2's live display runs as a person sees it.
  it.runIf(existsSync('/usr/bin/script'))('on a terminal, the live progress shows one line per execution', async () => {
    const { stdout } = await run('script', ['-qec', 'stty cols 150 rows 40; node bin/pkgrelease.js local run examples/scenario.json', '/dev/null'], { cwd: ROOT, env: { ...process.env, CI: '' } });
    const text = stripVTControlCharacters(stdout).replace(/\r/g, '');
    const lastFrame = text.slice(0, text.indexOf('\nExecutions')).split('\n').slice(-3).map((l) => l.replace(/^\s*›?\s*/, ''));
    expect(lastFrame.map((l) => l.replace(/-[0-9a-f]{16}:/, ':')).sort()).toEqual([
      'codepipeline-edge-plugin-1: SUCCEEDED',
      'edge-agent-1.0.0: SUCCEEDED',
      'edge-agent-1.1.0: SUCCEEDED',
    ]);
  });

  it('--type sets the OpenSearch package type, and a file that does not fit it is refused', async () => {
    const cwd = tempDir();
    const zip = join(cwd, 'plugin.zip');
    copyFileSync(join(ROOT, 'examples/edge-plugin-1.0.0.zip'), zip);
    const text = join(cwd, 'words.txt');
    writeFileSync(text, 'alpha\n');
    const state = join(cwd, 'state');
    // An unknown --type is a usage error before any state is touched: checked alongside.
    const nope = pkgrelease(['local', 'publish', zip, '--package', 'edge-plugin', '--version', '1.0.1', '--type', 'NOPE'], { cwd });
    const refused = await pkgrelease(['local', 'publish', text, '--package', 'edge-plugin', '--version', '1.0.0', '--type', 'ZIP-PLUGIN', '--state-dir', state], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('pkgrelease: InvalidRelease: opensearchType: words.txt is not a .zip; a ZIP-PLUGIN package takes a zip file\n');
    const ok = await pkgrelease(['local', 'publish', zip, '--package', 'edge-plugin', '--version', '1.0.0', '--type', 'ZIP-PLUGIN', '--state-dir', state, '--json'], { cwd });
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as LocalReport).catalog.opensearch['edge-plugin']!.status).toBe('AVAILABLE');
    expect((await nope).code).toBe(2);
  });
});
