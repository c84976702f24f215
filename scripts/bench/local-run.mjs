/**
 * One measured `pkgrelease local run <scenario> --json`, in its own process as a person runs it:
 * wall time (spawn to exit), CPU time and peak RSS (from usage-probe.mjs), the JSON report, stderr.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** `cliRoot`: the checkout whose CLI runs (default `root`; another one for `--baseline`), probed by `root`'s usage probe. */
export async function runLocal({ root, scenarioFile, usageFile, cliRoot = root }) {
  const args = ['--import', join(root, 'scripts/bench/usage-probe.mjs'), join(cliRoot, 'bin/pkgrelease.js'), 'local', 'run', scenarioFile, '--json'];
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { cwd: cliRoot, env: { ...process.env, PKGRELEASE_BENCH_USAGE: usageFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout = [];
  const stderr = [];
  child.stdout.on('data', (c) => stdout.push(c));
  child.stderr.on('data', (c) => stderr.push(c));
  const exitCode = await new Promise((resolve, reject) => child.on('error', reject).on('close', resolve));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
  rmSync(usageFile, { force: true });
  const errText = Buffer.concat(stderr).toString('utf8');
  let report;
  try {
    report = JSON.parse(Buffer.concat(stdout).toString('utf8'));
  } catch {
    throw new Error(`local run printed no JSON report (exit ${exitCode}):\n${errText.slice(0, 2000)}`);
  }
  return { wallMs, cpuMs: usage.cpuMs, maxRssMiB: usage.maxRssKiB / 1024, exitCode, report, stderrLines: errText.split('\n').filter((l) => l.trim()) };
}
