/**
 * The real AWS CLI v1 (botocore), as AWS ships it for Lambda layers in `@aws-cdk/asset-awscli-v1`,
 * run with python3 against the twin. A client nobody here wrote: what it accepts, AWS accepts.
 *
 * The layer zip is extracted once per CLI version into a shared cache directory; concurrent vitest
 * workers each extract into their own temporary directory and the first atomic rename wins.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export interface AwsCliEndpoints {
  /** Endpoint URL per CLI service name (`s3`, `s3api`, `iot`, `opensearch`, `dynamodb`, `stepfunctions`...). */
  readonly [service: string]: string | undefined;
}

export interface AwsCliOptions {
  /** `--endpoint-url` for the command's service; `s3` serves both `aws s3` and `aws s3api`. */
  endpoints: AwsCliEndpoints;
  /** Extra environment (e.g. AWS_REGION); the CLI never reads the caller's $HOME or profile. */
  env?: Record<string, string>;
  /** Working directory (relative file arguments). */
  cwd?: string;
  timeoutMs?: number;
}

export interface AwsCliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when it is JSON (s3api output), else undefined. */
  json: unknown;
}

const python = process.env.PYTHON ?? 'python3';

/** Where the CLI of the installed package version lives, extracted on first use. */
export function awsCliHome(): string {
  const pkgJson = require.resolve('@aws-cdk/asset-awscli-v1/package.json');
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  const zip = join(dirname(pkgJson), 'lib', 'layer.zip');
  const cacheRoot = existsSync(join(process.cwd(), 'node_modules')) ? join(process.cwd(), 'node_modules', '.cache', 'awscli-v1') : join(tmpdir(), 'pkgrelease-awscli-v1');
  const home = join(cacheRoot, version);
  if (existsSync(join(home, 'awscli', 'aws'))) return home;
  mkdirSync(cacheRoot, { recursive: true });
  const staging = mkdtempSync(join(cacheRoot, `${version}.tmp-`));
  try {
    // python3 is what runs the CLI anyway; its zipfile module saves a dependency on unzip.
    execFileSync(python, ['-m', 'zipfile', '-e', zip, staging], { stdio: 'pipe' });
    try {
      renameSync(staging, home);
    } catch (err) {
      // Another worker renamed first: its copy is complete, ours is discarded.
      if (!existsSync(join(home, 'awscli', 'aws'))) throw err;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return home;
}

/** Which `--endpoint-url` a command needs: `aws s3 ...` and `aws s3api ...` both go to `s3`. */
function endpointFor(args: readonly string[], endpoints: AwsCliEndpoints): string | undefined {
  const service = args.find((a) => !a.startsWith('-'));
  if (!service) return undefined;
  return endpoints[service] ?? (service === 's3api' ? endpoints.s3 : undefined);
}

/** The CLI's environment: dummy credentials, no $HOME or profile of the caller, one attempt unless told. */
function cliEnv(home: string, extra: Record<string, string> | undefined): Record<string, string> {
  const isolated = join(home, 'no-home');
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    PYTHONPATH: join(home, 'awscli'),
    PYTHONDONTWRITEBYTECODE: '1',
    HOME: isolated,
    AWS_CONFIG_FILE: join(isolated, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(isolated, 'credentials'),
    AWS_ACCESS_KEY_ID: 'twin',
    AWS_SECRET_ACCESS_KEY: 'twin-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_RETRY_MODE: 'standard',
    AWS_MAX_ATTEMPTS: '1',
    ...extra,
  };
}

function withEndpoint(args: readonly string[], endpoints: AwsCliEndpoints): string[] {
  const endpoint = endpointFor(args, endpoints);
  return [...args, ...(endpoint ? ['--endpoint-url', endpoint] : [])];
}

function parseJson(stdout: string): unknown {
  try {
    return stdout.trim() ? JSON.parse(stdout) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `aws <args>` against the twin with dummy credentials; never throws for a non-zero exit. */
export function awsCli(args: readonly string[], options: AwsCliOptions): Promise<AwsCliResult> {
  const home = awsCliHome();
  const argv = [join(home, 'awscli', 'aws'), ...withEndpoint(args, options.endpoints)];
  return new Promise((resolve) => {
    execFile(python, argv, { env: cliEnv(home, options.env), cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr, json: parseJson(stdout) });
    });
  });
}

/**
 * Several `aws` commands in one python process, one after the other, each through a fresh
 * `awscli.clidriver` exactly as the `aws` script runs it: the interpreter and botocore start once
 * (≈0.5–1 s saved per command). Each command's stdout/stderr are captured separately.
 */
const BATCH_DRIVER = `
import contextlib, io, json, sys
import awscli.clidriver
results = []
for argv in json.loads(sys.stdin.read()):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = awscli.clidriver.create_clidriver().main(argv)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    results.append({"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()})
sys.__stdout__.write(json.dumps(results))
`;

export function awsCliBatch(commands: readonly (readonly string[])[], options: AwsCliOptions): Promise<AwsCliResult[]> {
  const home = awsCliHome();
  const input = JSON.stringify(commands.map((args) => withEndpoint(args, options.endpoints)));
  return new Promise((resolve, reject) => {
    const child = execFile(python, ['-c', BATCH_DRIVER], { env: cliEnv(home, options.env), cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`the AWS CLI batch failed: ${err.message}\n${stderr}`));
      const results = JSON.parse(stdout) as Omit<AwsCliResult, 'json'>[];
      resolve(results.map((r) => ({ ...r, json: parseJson(r.stdout) })));
    });
    child.stdin!.end(input);
  });
}
