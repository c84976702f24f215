import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { RedriveExecutionCommand } from '@aws-sdk/client-sfn';
import type { PackagesConfig } from '../../lib/release/config';
import { configSource, configureFor, readConfig, stateConfigSource } from './config';
import { publishInto } from './publish';
import { refuseUnfixable } from './redrive-check';
import { loadScenario, uploadBody } from './scenario';
import { executionArnOf, fetchReport, twinClients, waitForExecution } from './serve-client';
import { type OutputOptions, onStateDir, print, withSession } from './run-session';
import { lockStateDir } from './state-dir';

/** The local commands' behaviour; `cli/commands/local.ts` only declares their options. */
export type { OutputOptions } from './run-session';

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

/** `local state`: a report, so exit code 0 whatever the executions' outcomes. */
export async function showState(opts: OutputOptions & { stateDir: string; config?: string }): Promise<void> {
  await onStateDir(
    opts.stateDir,
    'pkgrelease local state',
    async (serve) => {
      const { notReleased: _ignored, ...report } = await fetchReport(serve);
      print(report, opts, false);
    },
    async () => {
      const config = readConfig(configSource(opts.stateDir, opts.config));
      await withSession({ config, stateDir: opts.stateDir }, opts, 'Local state', async () => undefined, (before) => before, { failOnError: false, totalCalls: true });
    },
  );
}

/** `local redrive`: refuses (with the reason) what a redrive cannot fix, as `pkgrelease redrive` does. */
export async function redrive(name: string, opts: OutputOptions & { stateDir: string; config?: string }): Promise<void> {
  await onStateDir(
    opts.stateDir,
    `pkgrelease local redrive ${name}`,
    async (serve) => {
      const { sfn } = twinClients(serve);
      const before = (await fetchReport(serve)).executions.find((e) => e.name === name);
      refuseUnfixable(name, before?.error);
      await sfn.send(new RedriveExecutionCommand({ executionArn: executionArnOf(serve, name) }));
      await waitForExecution(serve, sfn, name);
      const { notReleased: _ignored, ...report } = await fetchReport(serve);
      print({ ...report, executions: report.executions.filter((e) => e.name === name) }, opts);
    },
    async () => {
      const config = readConfig(configSource(opts.stateDir, opts.config));
      await withSession({ config, stateDir: opts.stateDir }, opts, `Redriving ${name}`, async (session) => {
        refuseUnfixable(name, session.engine.get(name)?.error);
        session.engine.redrive(name);
      }, () => new Set([name]));
    },
  );
}

export async function reset(opts: { stateDir: string }): Promise<void> {
  const release = await lockStateDir(opts.stateDir, 'pkgrelease local reset', { wait: false });
  rmSync(opts.stateDir, { recursive: true, force: true });
  release();
  process.stderr.write(`removed ${opts.stateDir}\n`);
}

/** `npm run demo`: on a fresh state dir, release two versions of one package and print the catalog. */
export async function demo(opts: OutputOptions): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'pkgrelease-demo-'));
  const release = { package: 'edge-agent', opensearchPackage: 'edge-agent-synonyms' };
  try {
    const source = stateConfigSource(stateDir);
    const config = configureFor(source, release.package, release.opensearchPackage);
    await withSession({ config, stateDir }, opts, 'Demo: releasing edge-agent 1.0.0, then 1.1.0', async (session) => {
      await publishInto(session, config, 'synonyms.txt', Buffer.from('laptop, notebook\nphone, mobile\n'), { ...release, version: '1.0.0' });
      await publishInto(session, config, 'synonyms.txt', Buffer.from('laptop, notebook\nphone, mobile, handset\ntablet, slate\n'), { ...release, version: '1.1.0' });
    });
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}
