import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type PackagesConfig, parsePackagesConfig } from '../../lib/release/config';
import { OPENSEARCH } from '../../lib/release/constraints';
import { releaseKey } from '../../lib/release/key-convention';
import { mountConsole } from '../../local/console/mount';
import { LOCAL_BUCKET, type LocalReport, LocalSession, type LocalSessionOptions } from '../../local/session';
import { createProgress, progressMode } from './progress';
import { allSucceeded, formatReport } from './report';
import { loadScenario, uploadBody } from './scenario';

/** The local commands' behaviour; `cli/commands/local.ts` only declares their options. */
export interface OutputOptions {
  json?: boolean;
}

const CONFIG_FILE = 'config.json';

export function loadLocalConfig(stateDir: string): PackagesConfig {
  const path = join(stateDir, CONFIG_FILE);
  return existsSync(path) ? parsePackagesConfig(readFileSync(path, 'utf8')) : { packages: {} };
}

function saveLocalConfig(stateDir: string, config: PackagesConfig): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/** Starts a session, runs `work` with live progress, waits for every execution, prints the report. */
async function withSession(
  sessionOptions: Omit<LocalSessionOptions, 'onProgress'>,
  out: OutputOptions,
  title: string,
  work: (session: LocalSession) => Promise<void>,
  only?: (names: Set<string>) => Set<string>,
): Promise<LocalReport> {
  const progress = createProgress(progressMode(Boolean(out.json)));
  const before = new Set<string>();
  const session = await LocalSession.start({ ...sessionOptions, onProgress: (e) => progress.update(e) });
  try {
    for (const e of session.engine.list()) before.add(e.name);
    await progress.around(title, async () => {
      await work(session);
      await session.settled();
    });
    const report = session.report();
    const shown = only ? only(before) : new Set(report.executions.map((e) => e.name).filter((n) => !before.has(n)));
    const result = { ...report, executions: report.executions.filter((e) => shown.has(e.name)) };
    if (session.triggerErrors.length) result.executions.push(...session.triggerErrors.map((t) => ({ name: `trigger ${t.key}`, status: 'FAILED', error: t.error, cause: t.message, clientToken: null, redriveCount: 0, states: [], stateStats: {} })));
    print(result, out);
    return result;
  } finally {
    await session.close();
  }
}

function print(report: LocalReport, out: OutputOptions): void {
  process.stdout.write(out.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  if (!allSucceeded(report)) process.exitCode = 1;
}

/** A valid OpenSearch package name for an IoT package name (lower-case letters, digits, hyphens). */
export function defaultOpenSearchName(packageName: string): string {
  let name = packageName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '');
  if (name.length < OPENSEARCH.packageName.min) name = `pkg-${name}`.replace(/-+$/, '') || 'pkg-release';
  return name.slice(0, OPENSEARCH.packageName.max);
}

interface PublishOptions {
  package: string;
  version: string;
  key?: string;
  opensearchPackage?: string;
  /** Local OpenSearch domains that run the OpenSearch package (created, associated, on first use). */
  domain?: string[];
}

/** Adds the package to the local configuration on its first release (what config/packages.json does in AWS). */
function configurePackage(stateDir: string, opts: PublishOptions): PackagesConfig {
  const config = loadLocalConfig(stateDir);
  config.packages[opts.package] ??= { opensearchPackage: opts.opensearchPackage ?? defaultOpenSearchName(opts.package) };
  saveLocalConfig(stateDir, config);
  return config;
}

/** Uploads `body` under the key convention, creating the OpenSearch package first if needed. */
async function publishInto(session: LocalSession, config: PackagesConfig, fileName: string, body: Buffer, opts: PublishOptions): Promise<void> {
  const opensearchName = config.packages[opts.package]?.opensearchPackage ?? opts.package;
  if (!session.twin.catalog().opensearch[opensearchName]) {
    // A person creates the OpenSearch package once, before the first release: do it for them locally.
    await session.createOpenSearchPackage(opensearchName, fileName.endsWith('.zip') ? 'ZIP-PLUGIN' : 'TXT-DICTIONARY', body);
  }
  for (const name of opts.domain ?? []) await session.createDomain({ name, packages: [opensearchName] });
  await session.upload(opts.key ?? releaseKey(opts.package, opts.version, fileName), body);
  await session.settled();
}

export async function publish(file: string, opts: OutputOptions & PublishOptions & { stateDir: string }): Promise<void> {
  const body = readFileSync(file);
  const config = configurePackage(opts.stateDir, opts);
  await withSession({ config, stateDir: opts.stateDir }, opts, `Releasing ${opts.package}@${opts.version}`, (session) =>
    publishInto(session, config, basename(file), body, opts),
  );
}

export async function runScenario(path: string, opts: OutputOptions): Promise<void> {
  const { scenario, baseDir } = loadScenario(path);
  const config: PackagesConfig = { packages: scenario.packages };
  await withSession(
    { config, seed: scenario.seed, faults: scenario.faults, opensearchTiming: scenario.opensearchTiming },
    opts,
    scenario.description ?? `Scenario ${basename(path)}`,
    async (session) => {
      for (const p of scenario.opensearchPackages) await session.createOpenSearchPackage(p.name, p.type, p.content, p.engineVersion);
      for (const d of scenario.domains) await session.createDomain(d);
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      await Promise.all([
        ...scenario.uploads.map(async (u) => {
          await sleep(u.startAtMs);
          await session.upload(u.key, uploadBody(u, baseDir), { metadata: u.metadata, duplicateEvents: u.duplicateEvents });
        }),
        ...scenario.manifests.map(async (m, i) => {
          await sleep(m.startAtMs);
          // CodePipeline's Step Functions action: the manifest file's content is the execution input.
          session.start(m.executionName ?? `codepipeline-${scenario.seed}-${i + 1}`, m.manifest);
        }),
      ]);
    },
  );
}

export async function showState(opts: OutputOptions & { stateDir: string }): Promise<void> {
  await withSession({ config: loadLocalConfig(opts.stateDir), stateDir: opts.stateDir }, opts, 'Local state', async () => undefined, (before) => before);
}

export async function redrive(name: string, opts: OutputOptions & { stateDir: string }): Promise<void> {
  await withSession({ config: loadLocalConfig(opts.stateDir), stateDir: opts.stateDir }, opts, `Redriving ${name}`, async (session) => {
    session.engine.redrive(name);
  }, () => new Set([name]));
}

export function reset(opts: { stateDir: string }): void {
  rmSync(opts.stateDir, { recursive: true, force: true });
  process.stderr.write(`removed ${opts.stateDir}\n`);
}

/** `npm run demo`: on a fresh state dir, release two versions of one package and print the catalog. */
export async function demo(opts: OutputOptions): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'pkgrelease-demo-'));
  const release = { package: 'edge-agent', opensearchPackage: 'edge-agent-synonyms' };
  try {
    const config = configurePackage(stateDir, { ...release, version: '1.0.0' });
    await withSession({ config, stateDir }, opts, 'Demo: releasing edge-agent 1.0.0, then 1.1.0', async (session) => {
      await publishInto(session, config, 'synonyms.txt', Buffer.from('laptop, notebook\nphone, mobile\n'), { ...release, version: '1.0.0' });
      await publishInto(session, config, 'synonyms.txt', Buffer.from('laptop, notebook\nphone, mobile, handset\ntablet, slate\n'), { ...release, version: '1.1.0' });
    });
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** `local serve`: the twin as a long-lived server; every object put under releases/ is released. */
export async function serve(opts: { stateDir: string; config?: string; domain?: string[] }): Promise<void> {
  const config = opts.config ? parsePackagesConfig(readFileSync(opts.config, 'utf8')) : loadLocalConfig(opts.stateDir);
  const progress = createProgress('plain', process.stdout);
  const session = await LocalSession.start({ config, stateDir: opts.stateDir, onProgress: (e) => progress.update(e), timeScale: 0.05 });
  const created: string[] = [];
  for (const [name, settings] of Object.entries(config.packages)) {
    const opensearchName = settings.opensearchPackage ?? name;
    if (session.twin.catalog().opensearch[opensearchName]) continue;
    // The OpenSearch package must exist before the first release (in AWS you create it once).
    await session.createOpenSearchPackage(opensearchName, 'TXT-DICTIONARY', '# created by pkgrelease local serve\n');
    created.push(opensearchName);
  }
  // Empty domains: associate packages with any SDK or the AWS CLI (aws opensearch associate-package).
  for (const name of opts.domain ?? []) await session.createDomain({ name });
  const consoleUrl = mountConsole(session, config);
  const env = { ...session.twin.env(), AWS_ENDPOINT_URL_SFN: session.sfnEndpoint, AWS_DEFAULT_REGION: session.twin.region };
  const lines = [
    `# console: ${consoleUrl}  (open it in a browser: upload, watch and redrive releases)`,
    '# pkgrelease local twin — paste into a shell to point the AWS CLI or any AWS SDK at it:',
    ...Object.entries(env).filter(([k]) => k.startsWith('AWS_')).map(([k, v]) => `export ${k}=${v}`),
    `# artifact bucket: ${LOCAL_BUCKET} (S3 clients: use path-style addressing)`,
    `# release: aws s3 cp agent.zip s3://${LOCAL_BUCKET}/releases/<package>/<version>/agent.zip`,
    `# configured packages: ${Object.keys(config.packages).join(', ') || '(none: pass --config or run "pkgrelease local publish" once)'}`,
    ...(created.length ? [`# created OpenSearch packages (TXT-DICTIONARY): ${created.join(', ')}`] : []),
    ...(opts.domain?.length ? [`# OpenSearch domains: ${opts.domain.join(', ')}`] : []),
    `# state machine: ${session.engine.stateMachineArn}`,
    '# Ctrl-C stops the twin; state is kept in ' + opts.stateDir,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write('stopping: waiting for running executions…\n');
  await session.close();
}
