import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ServeInfo } from '../../cli/local/state-dir';

/** Drives the real `pkgrelease` bin as a user would: a subprocess, its exit code, stdout and stderr. */
const run = promisify(execFile);
export const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/pkgrelease.js');

export interface Result {
  stdout: string;
  stderr: string;
  code: number;
}

export async function pkgrelease(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, CI: 'true', ...opts.env } });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

const dirs: string[] = [];
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pkgrelease-cli-'));
  dirs.push(d);
  return d;
}
/** A file in a fresh temp dir (an object is written as JSON): the file and its dir, for state dirs beside it. */
export function tempFile(name: string, content: string | object): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return { dir, file };
}
export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/**
 * A base port unlikely to be taken (each serve uses it and the next four): below Linux's ephemeral
 * range (32768+), where the ports the OS hands to other tests' servers live.
 */
export function freeBasePort(): number {
  return 10000 + Math.floor(Math.random() * 4000) * 5;
}

export interface RunningServe {
  info: ServeInfo;
  /** Everything the serve printed so far. */
  output: () => string;
  /** SIGINT (Ctrl-C) or SIGKILL; resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export async function startServe(stateDir: string, args: string[] = [], cwd = ROOT): Promise<RunningServe> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServeOn(freeBasePort(), stateDir, args, cwd);
    } catch (e) {
      // Another program took one of the five ports meanwhile: try other ones.
      if (attempt >= 5 || !String(e).includes('EADDRINUSE')) throw e;
    }
  }
}

async function startServeOn(port: number, stateDir: string, args: string[], cwd: string): Promise<RunningServe> {
  const child: ChildProcess = spawn('node', [BIN, 'local', 'serve', '--state-dir', stateDir, '--port', String(port), ...args], { cwd, env: { ...process.env, CI: 'true' } });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const file = join(stateDir, 'serve.json');
  for (let i = 0; !(existsSync(file) && out.includes('Ctrl-C')); i++) {
    if (i > 300 || child.exitCode !== null) throw new Error(`serve did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    info: JSON.parse(readFileSync(file, 'utf8')) as ServeInfo,
    output: () => out,
    stop: async (signal = 'SIGINT') => {
      child.kill(signal);
      return exited;
    },
  };
}
