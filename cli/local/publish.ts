import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { findPackageByName } from '../../lib/clients/opensearch';
import { opensearchPackageOf, type PackagesConfig } from '../../lib/release/config';
import { deriveClientToken, executionName } from '../../lib/release/identity';
import { KEY_CONVENTION, parseReleaseKey, releaseKey } from '../../lib/release/key-convention';
import { preflightRelease } from '../../lib/release/preflight';
import { createOpenSearchPackage, LOCAL_BUCKET, type LocalSession, type OpenSearchPackageType } from '../../local/session';
import { CliFailure, UsageError } from '../errors';
import { fleetIndexingOption, type FleetIndexingMode } from './fleet-indexing';
import { type OutputOptions, onStateDir, print, withSession } from './run-session';
import { type ConfigSource, configSource, configureFor, stateConfigPath } from './config';
import { fetchReport, twinClients, waitForExecution } from './serve-client';
import type { ServeInfo } from './state-dir';

/**
 * `local publish`: upload a file into the local artifact bucket and follow the release it starts —
 * through a running `local serve` when there is one, else on the state dir (locked meanwhile).
 */
export interface PublishOptions {
  package?: string;
  version?: string;
  key?: string;
  opensearchPackage?: string;
  type?: OpenSearchPackageType;
  /** Local OpenSearch domains that run the OpenSearch package (created, associated, on first use). */
  domain?: string[];
  fleetIndexing?: FleetIndexingMode;
}

interface Planned {
  key: string;
  /** Absent when the key does not follow the convention: nothing will start a release for it. */
  release?: { package: string; version: string };
}

function plan(file: string, opts: PublishOptions): Planned {
  if (opts.key && (opts.package || opts.version)) {
    throw new UsageError(`--key names the package and version itself (${KEY_CONVENTION}): give either --key or --package and --version`);
  }
  if (opts.key) {
    try {
      const { packageName, versionName } = parseReleaseKey(opts.key);
      return { key: opts.key, release: { package: packageName, version: versionName } };
    } catch {
      return { key: opts.key };
    }
  }
  if (!opts.package || !opts.version) throw new UsageError('say what to release: --package <name> and --version <name> (or --key releases/<package>/<version>/<file>)');
  return { key: releaseKey(opts.package, opts.version, basename(file)), release: { package: opts.package, version: opts.version } };
}

/** The configuration with the package in it, checked as Prepare will check it. */
function prepare(source: ConfigSource, planned: Planned, sizeBytes: number, opts: PublishOptions): PackagesConfig {
  if (!planned.release) return { packages: {} };
  const config = configureFor(source, planned.release.package, opts.opensearchPackage);
  const configured = config.packages[planned.release.package]?.opensearchPackage;
  if (opts.opensearchPackage && configured && configured !== opts.opensearchPackage) {
    throw new UsageError(`--opensearch-package ${opts.opensearchPackage} conflicts with ${source.file}, which says "${configured}": change one of them`);
  }
  preflightRelease({ bucket: LOCAL_BUCKET, key: planned.key, packageName: planned.release.package, versionName: planned.release.version, sizeBytes, config, opensearchType: opts.type });
  return config;
}

function typeFor(fileName: string, opts: PublishOptions): OpenSearchPackageType {
  return opts.type ?? (fileName.endsWith('.zip') ? 'ZIP-PLUGIN' : 'TXT-DICTIONARY');
}

/** Uploads `body` under the key convention in a session, creating the OpenSearch package first if needed. */
export async function publishInto(session: LocalSession, config: PackagesConfig, fileName: string, body: Buffer, opts: PublishOptions & { key?: string }): Promise<void> {
  const key = opts.key ?? releaseKey(opts.package!, opts.version!, fileName);
  const opensearchName = opts.package ? opensearchPackageOf(opts.package, config.packages[opts.package]) : undefined;
  if (opensearchName && !session.twin.catalog().opensearch[opensearchName]) {
    // A person creates the OpenSearch package once, before the first release: do it for them locally.
    await session.createOpenSearchPackage(opensearchName, typeFor(fileName, opts), body);
  }
  if (opensearchName) for (const name of opts.domain ?? []) await session.createDomain({ name, packages: [opensearchName] });
  await session.upload(key, body);
  await session.settled();
}

export async function publish(file: string, opts: OutputOptions & PublishOptions & { stateDir: string; config?: string }): Promise<void> {
  const planned = plan(file, opts);
  const body = readFileSync(file);
  const release = planned.release;
  await onStateDir(
    opts.stateDir,
    `pkgrelease local publish ${basename(file)}`,
    (serve) => publishThroughServe(serve, file, body, planned, opts),
    async () => {
      const config = prepare(configSource(opts.stateDir, opts.config), planned, body.length, opts);
      const notReleased: string[] = [];
      await withSession(
        { config, stateDir: opts.stateDir, onNotReleased: (_key, reason) => notReleased.push(reason), ...fleetIndexingOption(opts.fleetIndexing) },
        opts,
        release ? `Releasing ${release.package}@${release.version}` : `Uploading ${planned.key}`,
        (session) => publishInto(session, config, basename(file), body, { ...opts, ...(release && { package: release.package, version: release.version }), key: planned.key }),
      );
      if (notReleased.length) throw new CliFailure(`uploaded s3://${LOCAL_BUCKET}/${planned.key}, but ${notReleased[0]}`);
    },
  );
}

async function publishThroughServe(serve: ServeInfo, file: string, body: Buffer, planned: Planned, opts: OutputOptions & PublishOptions & { stateDir: string }): Promise<void> {
  if (opts.domain?.length) {
    throw new UsageError(`"pkgrelease local serve" (pid ${serve.pid}) holds ${opts.stateDir}: create domains with "local serve --domain <name>" (or the AWS CLI against it), not with publish`);
  }
  if (opts.fleetIndexing === 'off') {
    throw new UsageError(`"pkgrelease local serve" (pid ${serve.pid}) holds ${opts.stateDir}: start it with "local serve --fleet-indexing off" (or turn indexing off with the AWS CLI against it), not with publish`);
  }
  // The serve reads its configuration file on every upload: extend that one (if it is the state dir's).
  const source: ConfigSource = { file: serve.configFile, extendable: serve.configFile === resolve(stateConfigPath(opts.stateDir)) };
  const config = prepare(source, planned, body.length, opts);
  const { s3, opensearch, sfn } = twinClients(serve);
  if (planned.release) {
    const opensearchName = opensearchPackageOf(planned.release.package, config.packages[planned.release.package]);
    if (!(await findPackageByName(opensearch, opensearchName))) await createOpenSearchPackage(s3, opensearch, opensearchName, typeFor(basename(file), opts), body);
  }
  const since = new Date().toISOString();
  const put = await s3.send(new PutObjectCommand({ Bucket: serve.bucket, Key: planned.key, Body: body }));
  if (!planned.release) {
    // The serve notes such an upload as it stores it (no trigger runs for it).
    const ignored = (await fetchReport(serve)).notReleased.find((n) => n.key === planned.key && n.at >= since);
    throw new CliFailure(`uploaded s3://${serve.bucket}/${planned.key}, but ${ignored?.reason ?? `no release started: only keys ${KEY_CONVENTION} trigger one`}`);
  }
  const clientToken = deriveClientToken({ bucket: serve.bucket, key: planned.key, version: put.VersionId, etag: put.ETag });
  const name = executionName(planned.release.package, planned.release.version, clientToken);
  await waitForExecution(serve, sfn, name, { key: planned.key, since });
  const { notReleased: _n, ...report } = await fetchReport(serve);
  print({ ...report, executions: report.executions.filter((e) => e.name === name) }, opts);
}
