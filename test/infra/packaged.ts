/**
 * `serverless package` exactly as a person runs it, for the infra tests: osls from node_modules with
 * an otherwise empty environment (no AWS_* variables, no profile, a throwaway HOME for osls' local
 * state), so packaging provably needs no account, no credentials and no network. The local build
 * plugin (scripts/serverless-build-plugin.cjs) builds the zips first; PKGRELEASE_DIST_DIR sends them
 * to a temp directory, so a test never touches dist/ or .serverless/ and parallel runs do not collide.
 *
 *   node node_modules/osls/bin/serverless.js package --stage <stage> --package <tmp>/package
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, type JsonObject } from './project';

export type Resource = { Type: string; Properties: JsonObject; DependsOn?: unknown; DeletionPolicy?: string; Condition?: string };
export interface Template {
  Resources: Record<string, Resource>;
  Outputs: JsonObject;
  Conditions?: JsonObject;
}

export interface Packaged {
  template: Template;
  /** The template file osls wrote (removed by dispose()). */
  templatePath: string;
  state: { service: { functions: Record<string, { package?: { artifact?: string } }> } };
  /** Where the build plugin wrote the zips. */
  distDir: string;
  /** The packaging command's output. */
  output: string;
  dispose(): void;
}

export interface PackageOptions {
  stage: string;
  /** `--param=k=v` values. */
  params?: Record<string, string>;
  /** Service directory (default: this checkout). */
  cwd?: string;
  /** Build into <cwd>/dist as a person would (default: a temp directory, via PKGRELEASE_DIST_DIR). */
  defaultDist?: boolean;
}

const execFileAsync = promisify(execFile);

export async function packageService(options: PackageOptions): Promise<Packaged> {
  const tmp = mkdtempSync(join(tmpdir(), 'pkgrelease-infra-'));
  const cwd = options.cwd ?? ROOT;
  const distDir = options.defaultDist ? join(cwd, 'dist') : join(tmp, 'dist');
  const packageDir = join(tmp, 'package');
  const params = Object.entries(options.params ?? {}).map(([k, v]) => `--param=${k}=${v}`);
  const unlock = await lockServiceDir(cwd);
  const { stdout, stderr } = await execFileAsync(
    process.execPath,
    [join(cwd, 'node_modules/osls/bin/serverless.js'), 'package', '--stage', options.stage, '--package', packageDir, ...params],
    {
      cwd,
      timeout: 90_000,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: join(tmp, 'home'),
        SLS_TELEMETRY_DISABLED: '1',
        ...(options.defaultDist ? {} : { PKGRELEASE_DIST_DIR: distDir }),
      },
    },
  )
    .catch((e: Error & { stdout?: string; stderr?: string }) => {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`serverless package failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    })
    .finally(unlock);
  const templatePath = join(packageDir, 'cloudformation-template-update-stack.json');
  return {
    template: JSON.parse(readFileSync(templatePath, 'utf8')),
    templatePath,
    state: JSON.parse(readFileSync(join(packageDir, 'serverless-state.json'), 'utf8')),
    distDir,
    output: `${stdout}${stderr}`,
    dispose: () => rmSync(tmp, { recursive: true, force: true }),
  };
}

/** One packaging of this checkout per test file that asks for it (osls + esbuild take seconds). */
let shared: Promise<Packaged> | undefined;
export function packagedTemplate(stage = 'test'): Promise<Packaged> {
  shared ??= packageService({ stage });
  return shared;
}

/**
 * osls writes its state into `<service dir>/.serverless/` and then moves that directory to
 * `--package`, whatever that option says: two packagings of one service dir at once (test files in
 * two vitest workers) take it from under each other. One at a time per service dir, across
 * processes: `mkdir` is atomic. A lock older than the packaging timeout is a crashed run's.
 */
async function lockServiceDir(serviceDir: string): Promise<() => void> {
  const lock = join(tmpdir(), `pkgrelease-osls-${createHash('sha256').update(serviceDir).digest('hex').slice(0, 16)}.lock`);
  for (const deadline = Date.now() + 300_000; ; ) {
    try {
      mkdirSync(lock);
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another serverless package of ${serviceDir} holds ${lock}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
