import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { RedriveExecutionCommand } from '@aws-sdk/client-sfn';
import type { PackagesConfig } from '../../lib/release/config';
import { playScenario, setUpScenario } from '../../local/scenario/play';
import { configSource, configureFor, readConfig, SCENARIO_COPY, stateConfigSource, writeConfig } from './config';
import { UsageError } from '../errors';
import { publishInto } from './publish';
import { refuseUnfixable } from './redrive-check';
import { fleetIndexingOption } from './fleet-indexing';
import { loadScenario, type Scenario, uploadBody } from './scenario';
import { executionArnOf, fetchReport, twinClients, waitForExecution } from './serve-client';
import { type OutputOptions, onStateDir, print, withSession } from './run-session';
import { lockStateDir } from './state-dir';
import { lambdaThreadsFor } from '../../local/engine/lambda-thread/lambda-thread';

/** The local commands' behaviour; `cli/commands/local.ts` only declares their options. */
export type { OutputOptions } from './run-session';

export async function runScenario(path: string, opts: OutputOptions & { stateDir?: string }): Promise<void> {
  const { scenario, baseDir } = loadScenario(path);
  const config: PackagesConfig = { packages: scenario.packages };
  // A scenario creates its own packages and domains, so it needs a state dir of its own.
  if (opts.stateDir && existsSync(opts.stateDir) && readdirSync(opts.stateDir).length > 0) {
    throw new UsageError(`--state-dir ${opts.stateDir} is not empty: a scenario starts from a fresh twin; name a new directory (or "pkgrelease local reset --state-dir ${opts.stateDir}")`);
  }
  const unlock = opts.stateDir ? await lockStateDir(opts.stateDir, 'pkgrelease local run') : undefined;
  if (opts.stateDir) {
    writeConfig(stateConfigSource(opts.stateDir), config);
    copyFileSync(path, join(opts.stateDir, SCENARIO_COPY));
  }
  try {
    await runScenarioOn(path, scenario, baseDir, config, opts);
  } finally {
    unlock?.();
  }
}

async function runScenarioOn(path: string, scenario: Scenario, baseDir: string, config: PackagesConfig, opts: OutputOptions & { stateDir?: string }): Promise<void> {
  await withSession(
    {
      config,
      seed: scenario.seed,
      faults: scenario.faults,
      opensearchTiming: scenario.opensearchTiming,
      stateDir: opts.stateDir,
      ...fleetIndexingOption(scenario.fleetIndexing),
      lambdaThreads: lambdaThreadsFor(scenario.uploads.length + scenario.manifests.length),
    },
    opts,
    scenario.description ?? `Scenario ${basename(path)}`,
    async (session) => {
      await setUpScenario(session, scenario);
      await playScenario(
        session,
        scenario.uploads.map((u) => ({ key: u.key, body: uploadBody(u, baseDir), startAtMs: u.startAtMs, metadata: u.metadata, duplicateEvents: u.duplicateEvents })),
        // CodePipeline's Step Functions action: the manifest file's content is the execution input.
        scenario.manifests.map((m, i) => ({ executionName: m.executionName ?? `codepipeline-${scenario.seed}-${i + 1}`, startAtMs: m.startAtMs, manifest: m.manifest })),
      );
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
        const machine = session.machineOf(name) ?? session.engine;
        refuseUnfixable(name, machine.get(name)?.error);
        machine.redrive(name);
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
