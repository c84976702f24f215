import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

/** The real CLI: `local serve` prints the console's URL, and the page and its API answer there. */
const stateDir = mkdtempSync(join(tmpdir(), 'pkgrelease-console-serve-'));
let serve: ChildProcess | undefined;

afterAll(async () => {
  if (serve?.exitCode === null) {
    const exited = new Promise((resolve) => serve!.once('exit', resolve));
    serve.kill('SIGTERM');
    await exited;
  }
  rmSync(stateDir, { recursive: true, force: true });
});

it('local serve prints the console URL on loopback and serves the page there', async () => {
  const bin = new URL('../../bin/pkgrelease.js', import.meta.url).pathname;
  const config = new URL('../../config/packages.json', import.meta.url).pathname;
  // Serve's default ports are fixed (4580-4584): a test takes its own, so it never meets a running serve.
  // Below Linux's ephemeral range (32768+), where the OS-chosen ports of other tests live.
  const freePort = 10000 + Math.floor(Math.random() * 4000) * 5;
  serve = spawn(process.execPath, [bin, 'local', 'serve', '--state-dir', stateDir, '--config', config, '--port', String(freePort)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    serve!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^# console: (http:\/\/127\.0\.0\.1:\d+\/)/m.exec(out);
      if (m) resolve(m[1]!);
    });
    serve!.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  expect(await (await fetch(url)).text()).toContain('pkgrelease — local console');
  expect(await (await fetch(new URL('/api/packages', url))).json()).toEqual(['edge-agent']);
  expect(await (await fetch(new URL('/api/executions', url))).json()).toEqual({ executions: [], limit: 100 });
});
