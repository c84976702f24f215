import type { RequestListener } from 'node:http';
import { mountConsole } from '../../local/console/mount';
import { LOCAL_BUCKET, LocalSession, PORT_OFFSETS } from '../../local/session';
import { CliFailure } from '../errors';
import { opensearchPackageOf } from '../../lib/release/config';
import { configSource, readConfig } from './config';
import { fleetIndexingOption, type FleetIndexingMode } from './fleet-indexing';
import { createProgress } from './progress';
import { type NotReleased, REPORT_PATH, type ServedReport } from './serve-client';
import { liveServe, lockStateDir, removeServeInfo, type ServeInfo, writeServeInfo } from './state-dir';

/**
 * `local serve`: the twin as a long-lived server on fixed ports; every object put under releases/
 * is released. It holds the state dir and announces itself in serve.json, so `local state`,
 * `publish`, `redrive` and `env` on the same state dir talk to it instead of opening the files.
 */
export const DEFAULT_PORT = 4580;

export interface ServeOptions {
  stateDir: string;
  config?: string;
  port: number;
  /** Empty local OpenSearch domains to create (associate packages with any SDK or the AWS CLI). */
  domain?: string[];
  fleetIndexing?: FleetIndexingMode;
}

/** The CLI's own route on the serve port (the report other commands read); everything else goes to `next` (the console). */
function serveRoutes(report: () => ServedReport, next: RequestListener | undefined): RequestListener {
  return (req, res) => {
    if (req.method === 'GET' && req.url === REPORT_PATH) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(report()));
      return;
    }
    if (next) return next(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${req.url}\n`);
  };
}

export async function serve(opts: ServeOptions): Promise<void> {
  const release = await lockStateDir(opts.stateDir, 'pkgrelease local serve');
  try {
    const source = configSource(opts.stateDir, opts.config);
    const config = readConfig(source);
    const progress = createProgress('plain', process.stdout);
    const notReleased: NotReleased[] = [];
    const session = await LocalSession.start({
      config,
      stateDir: opts.stateDir,
      basePort: opts.port,
      reloadConfig: () => readConfig(source),
      onNotReleased: (key, reason) => {
        notReleased.push({ key, reason, at: new Date().toISOString() });
        process.stdout.write(`s3://${LOCAL_BUCKET}/${key}: ${reason}\n`);
      },
      onProgress: (e) => progress.update(e),
      timeScale: 0.05,
      ...fleetIndexingOption(opts.fleetIndexing),
    });
    const created: string[] = [];
    for (const [name, settings] of Object.entries(config.packages)) {
      const opensearchName = opensearchPackageOf(name, settings);
      if (session.twin.catalog().opensearch[opensearchName]) continue;
      // The OpenSearch package must exist before the first release (in AWS you create it once).
      await session.createOpenSearchPackage(opensearchName, 'TXT-DICTIONARY', '# created by pkgrelease local serve\n');
      created.push(opensearchName);
    }
    for (const name of opts.domain ?? []) await session.createDomain({ name });
    // The console lists the packages configured now: the file is read again, as on every upload.
    const consoleUrl = mountConsole(session, { get packages() { return readConfig(source).packages; } });
    session.mountOnApiPort(serveRoutes(() => ({ ...session.report(), calls: session.totalCalls(), notReleased }), session.apiPortHandler));
    const info: ServeInfo = {
      pid: process.pid,
      port: opts.port,
      env: { ...session.twin.env(), AWS_ENDPOINT_URL_SFN: session.sfnEndpoint, AWS_DEFAULT_REGION: session.twin.region },
      stateMachineArn: session.engine.stateMachineArn,
      bucket: LOCAL_BUCKET,
      configFile: source.file,
    };
    writeServeInfo(opts.stateDir, info);
    const lines = [
      `# console: ${consoleUrl}  (open it in a browser: upload, watch and redrive releases)`,
      ...exportLines(info),
      `# configured packages (${source.file}): ${Object.keys(config.packages).join(', ') || '(none yet: "pkgrelease local publish" adds them)'}`,
      ...(created.length ? [`# created OpenSearch packages (TXT-DICTIONARY): ${created.join(', ')}`] : []),
      ...(opts.domain?.length ? [`# OpenSearch domains: ${opts.domain.join(', ')}`] : []),
      ...(opts.fleetIndexing === 'off' ? ['# fleet indexing is OFF, as in a fresh AWS account: releases fail with FleetIndexingDisabled until "pkgrelease local doctor --fix-indexing"'] : []),
      `# ports: Step Functions ${opts.port + PORT_OFFSETS.sfn}, S3 ${opts.port + PORT_OFFSETS.s3}, IoT ${opts.port + PORT_OFFSETS.iot}, OpenSearch ${opts.port + PORT_OFFSETS.opensearch}, DynamoDB ${opts.port + PORT_OFFSETS.dynamodb}`,
      `# other commands with --state-dir ${opts.stateDir} go through this serve; "pkgrelease local env" prints these lines again`,
      `# Ctrl-C stops the twin; state is kept in ${opts.stateDir}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    process.stdout.write('stopping: waiting for running executions…\n');
    removeServeInfo(opts.stateDir);
    await session.close();
  } finally {
    release();
  }
}

/** The lines to paste into a shell (AWS CLI ≥ 2.13 reads AWS_ENDPOINT_URL_<SERVICE>). */
export function exportLines(info: ServeInfo): string[] {
  return [
    '# pkgrelease local twin — paste into a shell to point the AWS CLI (≥ 2.13) or any AWS SDK at it:',
    ...Object.entries(info.env)
      .filter(([k]) => k.startsWith('AWS_'))
      .map(([k, v]) => `export ${k}=${v}`),
    `# artifact bucket: ${info.bucket} (S3 clients: use path-style addressing)`,
    `# release: aws s3 cp agent.zip s3://${info.bucket}/releases/<package>/<version>/agent.zip`,
    `# state machine: ${info.stateMachineArn}`,
  ];
}

/** `local env`: the export lines of the serve running on this state dir. */
export function env(opts: { stateDir: string }): void {
  const info = liveServe(opts.stateDir);
  if (!info) throw new CliFailure(`no "pkgrelease local serve" is running on ${opts.stateDir}: start one (it prints these lines), or pass its --state-dir`);
  process.stdout.write(`${exportLines(info).join('\n')}\n`);
}
