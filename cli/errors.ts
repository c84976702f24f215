import { ReleaseError } from '../lib/release/errors';

/**
 * How every command reports failure: one line on stderr that names the problem and the fix, and
 * an exit code — 2 for a usage error (bad flags, a missing or invalid file), 1 for a release or AWS
 * call that failed. `--debug` adds the stack.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The command line itself is wrong: a flag, an argument or an input file. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An expected failure that is not a usage error (a busy state dir, a release that failed). Exit code 1. */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}

/** Set by `main` from `--debug` (accepted anywhere on the command line). */
export const cliFlags = { debug: false };

/** Errors whose name says "your input": usage errors, whatever raised them. */
const USAGE_ERROR_NAMES = new Set(['UsageError', 'ScenarioError', 'ExecutionDoesNotExist', 'StateMachineDoesNotExist', 'InvalidName', 'InvalidArn']);

/** Node's errors for a file that is not there or not a file, keyed by `code`. */
const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory: check the path',
  EISDIR: 'is a directory: give a file',
  EACCES: 'permission denied: check the file\'s permissions',
};

export function exitCodeFor(e: unknown): number {
  if (!(e instanceof Error)) return EXIT.failed;
  if (USAGE_ERROR_NAMES.has(e.name)) return EXIT.usage;
  const code = (e as NodeJS.ErrnoException).code;
  if (code && FILE_ERRORS[code]) return EXIT.usage;
  return EXIT.failed;
}

/** One line: what went wrong and what to do about it. */
export function explain(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const errno = e as NodeJS.ErrnoException;
  if (errno.code && FILE_ERRORS[errno.code] && errno.path) return `${errno.path}: ${FILE_ERRORS[errno.code]}`;
  if (errno.code === 'EADDRINUSE') return `${errno.message}: another program (another serve?) uses that port; pass --port <another base port>`;
  if (e instanceof UsageError || e instanceof CliFailure || e.name === 'ScenarioError') return e.message;
  if (e.name === 'ExecutionDoesNotExist') return `${e.message}; list the executions with "pkgrelease local state" (or "pkgrelease status")`;
  if (e.name === 'ThrottlingException') return `${e.name}: ${e.message} (AWS kept throttling after the SDK's retries; try again shortly)`;
  if (e.name === 'CredentialsProviderError') return `${e.message} (configure AWS credentials: --profile <name>, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`;
  if (/^Region (is missing|not accepted)/.test(e.message)) return 'no AWS region: pass --region, set AWS_REGION, or use a profile with a region';
  if (e instanceof ReleaseError || e.name !== 'Error') return `${e.name}: ${e.message}`;
  return `${e.message}${cliFlags.debug ? '' : ' (run with --debug for the stack)'}`;
}

export function report(e: unknown): number {
  process.stderr.write(`pkgrelease: ${explain(e)}\n`);
  if (cliFlags.debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return exitCodeFor(e);
}

/**
 * Wraps a command's action: a returned number is the exit code; a thrown error becomes one line and
 * its exit code. The implementation is loaded on first use, so `--help` and start-up stay light.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: an action either returns its exit code or nothing at all
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void> | number | void): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      const code = await fn(...args);
      if (code) process.exitCode = code;
    } catch (e) {
      process.exitCode = report(e);
    }
  };
}
