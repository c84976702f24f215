import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../local/fs/atomic-write';
import { CliFailure } from '../errors';

/**
 * One state dir, several commands. The twin's files (dynalite's LevelDB above all) can be opened by
 * one process at a time, so:
 *   - `local serve` holds the state dir for as long as it runs and writes `serve.json` (its pid and
 *     endpoints): the other commands find it and act as clients of its APIs;
 *   - any other command that opens the state dir takes `lock` for the duration; a second one waits.
 * A lock or serve.json whose process is gone (killed) is stale and taken over.
 */
export const SERVE_FILE = 'serve.json';
const LOCK_FILE = 'lock';
const POLL_MS = 100;

export interface ServeInfo {
  pid: number;
  /** The base port: Step Functions API (and the report) on it, the other services above it. */
  port: number;
  /** AWS_* variables that point a shell, an SDK or the AWS CLI at the twin. */
  env: Record<string, string>;
  stateMachineArn: string;
  bucket: string;
  /** The package configuration file the serve reads on every upload. */
  configFile: string;
}

interface LockOwner {
  pid: number;
  command: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined; // absent, or being replaced: treated as absent
  }
}

/** The serve running on this state dir, if any. */
export function liveServe(stateDir: string): ServeInfo | undefined {
  const info = readJson<ServeInfo>(join(stateDir, SERVE_FILE));
  return info && info.pid !== process.pid && alive(info.pid) ? info : undefined;
}

export function writeServeInfo(stateDir: string, info: ServeInfo): void {
  const file = join(stateDir, SERVE_FILE);
  writeFileAtomic(file, `${JSON.stringify(info, null, 2)}\n`);
}

export function removeServeInfo(stateDir: string): void {
  rmSync(join(stateDir, SERVE_FILE), { force: true });
}

/** The state dir's lock for a command that must own it (serve, reset): a running serve is an error. */
export async function lockStateDir(stateDir: string, command: string, opts: { wait?: boolean } = {}): Promise<() => void> {
  const access = await accessStateDir(stateDir, command, { serveAllowed: false, ...opts });
  if (access.mode === 'serve') throw new Error('accessStateDir returned a serve although serveAllowed is false');
  return access.release;
}

export type StateDirAccess = { mode: 'serve'; serve: ServeInfo } | { mode: 'locked'; release: () => void };

/**
 * Either the live serve to talk to, or the state dir's lock (waiting while another command holds
 * it). With `serveAllowed: false` (serve itself, reset) a live serve is an error.
 */
export async function accessStateDir(stateDir: string, command: string, opts: { serveAllowed: boolean; wait?: boolean }): Promise<StateDirAccess> {
  mkdirSync(stateDir, { recursive: true });
  const lockFile = join(stateDir, LOCK_FILE);
  let announced = false;
  for (;;) {
    const serve = liveServe(stateDir);
    if (serve) {
      if (opts.serveAllowed) return { mode: 'serve', serve };
      throw new CliFailure(
        `"pkgrelease local serve" (pid ${serve.pid}, port ${serve.port}) is using ${stateDir}: stop it first (Ctrl-C), or use another --state-dir`,
      );
    }
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, JSON.stringify({ pid: process.pid, command } satisfies LockOwner));
      closeSync(fd);
      const release = () => {
        if (readJson<LockOwner>(lockFile)?.pid === process.pid) rmSync(lockFile, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      return { mode: 'locked', release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = readJson<LockOwner>(lockFile);
    if (owner && !alive(owner.pid)) {
      rmSync(lockFile, { force: true }); // its process is gone: the lock is stale
      continue;
    }
    if (opts.wait === false) {
      throw new CliFailure(`${owner?.command ?? 'another pkgrelease command'} (pid ${owner?.pid ?? '?'}) is using ${stateDir}: wait for it to finish, or use another --state-dir`);
    }
    if (!announced && owner) {
      process.stderr.write(`waiting for "${owner.command}" (pid ${owner.pid}) to finish with ${stateDir}…\n`);
      announced = true;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
