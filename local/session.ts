import { CreatePackageCommand, OpenSearchClient } from '@aws-sdk/client-opensearch';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { join } from 'node:path';
import { resetAwsClients } from '../lib/clients/aws';
import { resetIdempotencyStore } from '../lib/lambda/idempotency';
import { logger } from '../lib/lambda/logger';
import { setMetricsSink } from '../lib/lambda/metrics';
import { executionEndRecorder } from './engine/execution-end';
import { EmfLog } from './twin/emf-log';
import type { PackagesConfig } from '../lib/release/config';
import { OPENSEARCH } from '../lib/release/constraints';
import { BUILDS_PREFIX, KEY_CONVENTION, RELEASES_PREFIX } from '../lib/release/key-convention';
import { type ExecutionRecord, executionClientToken } from './engine/executions';
import { invokeLocally, TRIGGER_FUNCTION } from './engine/functions';
import { LocalStepFunctions } from './engine/local-sfn';
import { type SfnApi, startSfnApi } from './engine/sfn-api';
import { limitHeapGrowth } from './heap';
import { type CallCounts, type DomainSpec, type FaultRule, type OpenSearchTiming, startTwin, type Twin, type TwinCatalog } from './twin';

/**
 * One local "AWS account": the twin's services, the state machine engine behind a Step Functions
 * API, and the S3 → EventBridge → trigger path. The handlers find everything through the same
 * environment variables they read in Lambda.
 */
export const LOCAL_BUCKET = 'pkgrelease-local-artifacts';
export const EXECUTIONS_FILE = 'executions.json';
/** Call counts of every earlier command on the state dir (`local state` shows the total). */
const CALLS_FILE = 'calls.json';
/** Keys the session itself writes into the artifact bucket (never releases). */
const INTERNAL_PREFIXES = ['opensearch-init/', 'staging/'];

/** Where each service listens relative to the base port (`local serve --port`): Step Functions on the base port itself. */
export const PORT_OFFSETS = { sfn: 0, s3: 1, iot: 2, opensearch: 3, dynamodb: 4 } as const;
/** Engine version of local domains and ZIP-PLUGIN packages when none is given. */
export const DEFAULT_ENGINE_VERSION = 'OpenSearch_2.13';

export interface LocalSessionOptions {
  config: PackagesConfig;
  stateDir?: string;
  seed?: number;
  faults?: FaultRule[];
  opensearchTiming?: OpenSearchTiming;
  /** Multiplies the ASL's retry and wait seconds, and Lambda's async retry delays (default DEFAULT_TIME_SCALE, 0.01: a 30 s poll takes 300 ms). */
  timeScale?: number;
  /** Powertools log level for the handlers (default SILENT: the CLI prints its own progress). */
  logLevel?: string;
  onProgress?: (execution: ExecutionRecord) => void;
  /** Fixed ports from this base (see PORT_OFFSETS); absent: ports chosen by the OS. */
  basePort?: number;
  /** Read before each S3 event is delivered, so a configuration changed while serving applies. */
  reloadConfig?: () => PackagesConfig;
  /** An object landed in the artifact bucket and no release started for it, and why. */
  onNotReleased?: (key: string, reason: string) => void;
  /** Runs this definition instead of statemachines/release.asl.json (the latency bench). */
  definitionText?: string;
}

export interface LocalReport {
  executions: {
    name: string;
    status: string;
    error: string | null;
    cause: string | null;
    clientToken: string | null;
    redriveCount: number;
    states: string[];
    /** Per state: retries, and errors by name (injected faults and polls included). */
    stateStats: Record<string, { retries: number; errors: Record<string, number> }>;
  }[];
  catalog: TwinCatalog;
  calls: CallCounts;
}

export interface UploadOptions {
  metadata?: Record<string, string>;
  /** How many copies of the "Object Created" event EventBridge delivers (at-least-once). */
  duplicateEvents?: number;
}

export class LocalSession {
  private readonly deliveries = new Set<Promise<unknown>>();
  private restoreEnv: () => void = () => undefined;
  private readonly priorCalls: CallCounts;
  /** The EMF metric lines the handlers printed (lib/lambda/metrics.ts), in order: what CloudWatch would extract. */
  readonly metrics = new EmfLog();
  /** The trigger's dead-letter queue: events whose delivery failed after Lambda's async retries. */
  readonly triggerErrors: { key: string; error: string; message: string }[] = [];

  private constructor(
    readonly twin: Twin,
    readonly engine: LocalStepFunctions,
    private readonly sfnApi: SfnApi,
    private readonly options: LocalSessionOptions,
  ) {
    const file = options.stateDir ? join(options.stateDir, CALLS_FILE) : undefined;
    this.priorCalls = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CallCounts) : {};
  }

  static async start(options: LocalSessionOptions): Promise<LocalSession> {
    limitHeapGrowth();
    const base = options.basePort;
    const ports = base ? { s3: base + PORT_OFFSETS.s3, iot: base + PORT_OFFSETS.iot, opensearch: base + PORT_OFFSETS.opensearch, dynamodb: base + PORT_OFFSETS.dynamodb } : undefined;
    const twin = await startTwin({ seed: options.seed, faults: options.faults, opensearchTiming: options.opensearchTiming, stateDir: options.stateDir, ports });
    const executionsPath = options.stateDir ? join(options.stateDir, EXECUTIONS_FILE) : undefined;
    let session: LocalSession | undefined;
    const recordEnd = executionEndRecorder();
    const engine = new LocalStepFunctions({
      region: twin.region,
      accountId: twin.accountId,
      timeScale: options.timeScale ?? DEFAULT_TIME_SCALE,
      taskTimeoutFactor: LOCAL_TASK_TIMEOUT_FACTOR,
      definitionText: options.definitionText,
      executions: executionsPath && existsSync(executionsPath) ? (JSON.parse(readFileSync(executionsPath, 'utf8')) as ExecutionRecord[]) : [],
      onProgress: (execution) => {
        // Every change is on disk soon after it happens: a killed process loses at most one turn.
        session?.scheduleSave();
        recordEnd(execution);
        options.onProgress?.(execution);
      },
    });
    const sfnApi = await startSfnApi(engine, { port: base ? base + PORT_OFFSETS.sfn : undefined }).catch(async (e) => {
      await twin.close();
      throw e;
    });
    session = new LocalSession(twin, engine, sfnApi, options);
    const live = session;
    live.useEnvironment();
    twin.s3.ensureBucket(LOCAL_BUCKET);
    // EventBridge rule: Object Created under releases/ in the artifact bucket → trigger Lambda.
    twin.s3.onObjectCreated((e) => {
      if (e.bucket !== LOCAL_BUCKET || INTERNAL_PREFIXES.some((p) => e.key.startsWith(p))) return;
      if (e.key.startsWith(RELEASES_PREFIX)) return live.deliver(e, 1);
      const builds = e.key.startsWith(BUILDS_PREFIX) ? ` (${BUILDS_PREFIX} holds artifacts released by a manifest: pkgrelease start --manifest)` : '';
      options.onNotReleased?.(e.key, `no release started: only keys ${KEY_CONVENTION} trigger one${builds}`);
    });
    return live;
  }

  /** The environment a deployed Lambda would have, pointing at the twin. */
  private useEnvironment(): void {
    this.restoreEnv = applyHandlerEnvironment({
      twinEnv: this.twin.env(),
      sfnEndpoint: this.sfnApi.endpoint,
      config: this.options.config,
      stateMachineArn: this.engine.stateMachineArn,
      logLevel: this.options.logLevel,
    });
    // The handlers' EMF lines are kept, for tests and the bench.
    setMetricsSink((line) => this.metrics.record(line));
  }

  /** Where the local Step Functions API listens (AWS_ENDPOINT_URL_SFN). */
  get sfnEndpoint(): string {
    return this.sfnApi.endpoint;
  }

  /** Serves `handler` on the Step Functions API's port for every request that is not an API call (the console). */
  mountOnApiPort(handler: RequestListener): void {
    this.sfnApi.fallback = handler;
  }

  /** What answers non-API requests now (to chain a handler in front of it). */
  get apiPortHandler(): RequestListener | undefined {
    return this.sfnApi.fallback;
  }

  /**
   * An SDK client of the twin's, for set-up and uploads (what a person's script would use). A new one
   * each time, not the handlers' shared client: its retry quota and queue are the handlers', and an
   * upload must not wait behind them (a manifest started just after it would find no artifact).
   */
  s3(): S3Client {
    return new S3Client({ forcePathStyle: true });
  }

  /** Creates an OpenSearch custom package (as a person would before the first release). */
  async createOpenSearchPackage(name: string, type: OpenSearchPackageType, initialContent: string | Buffer, engineVersion = DEFAULT_ENGINE_VERSION): Promise<void> {
    await createOpenSearchPackage(this.s3(), new OpenSearchClient({}), name, type, initialContent, engineVersion);
  }

  /**
   * Creates an OpenSearch domain (once per name) that already runs `packages` (OpenSearch package
   * names, waited for until AVAILABLE) — as a person's existing domains would.
   */
  async createDomain(spec: Partial<DomainSpec> & { name: string; packages?: string[] }): Promise<void> {
    if (this.twin.catalog().domains[spec.name]) return;
    const packages = spec.packages ?? [];
    const deadline = Date.now() + 30_000;
    while (!packages.every((p) => this.twin.catalog().opensearch[p]?.status === 'AVAILABLE')) {
      if (Date.now() > deadline) throw new Error(`domain ${spec.name}: OpenSearch packages ${packages.join(', ')} did not become AVAILABLE`);
      await new Promise((r) => setTimeout(r, 5));
    }
    this.twin.createDomain({ name: spec.name, engineVersion: spec.engineVersion ?? DEFAULT_ENGINE_VERSION }, packages);
  }

  /** PutObject into the artifact bucket; the drop path starts the release. */
  async upload(key: string, body: string | Buffer, opts: UploadOptions = {}): Promise<{ versionId: string }> {
    const extra = (opts.duplicateEvents ?? 1) - 1;
    const out = await this.s3().send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: key, Body: body, Metadata: opts.metadata }));
    if (extra > 0) {
      const object = this.twin.s3.getObject(LOCAL_BUCKET, key, out.VersionId);
      this.deliver({ bucket: LOCAL_BUCKET, key, versionId: out.VersionId!, etag: object.etag, size: object.body.length }, extra);
    }
    return { versionId: out.VersionId! };
  }

  /** Start an execution directly, as CodePipeline's Step Functions action or a person would. */
  start(name: string, input: unknown): ExecutionRecord {
    return this.engine.start(name, input).execution;
  }

  /** Waits until every delivered event has been handled and every execution has ended. */
  async settled(): Promise<void> {
    while (this.deliveries.size) await Promise.allSettled([...this.deliveries]);
    await this.engine.settled();
    this.save();
  }

  report(): LocalReport {
    return {
      executions: this.engine.list().map((e) => ({
        name: e.name,
        status: e.status,
        error: e.error ?? null,
        cause: e.cause ?? null,
        clientToken: executionClientToken(e) ?? null,
        redriveCount: e.redriveCount,
        states: e.states.map((s) => s.name),
        stateStats: stateStats(e),
      })),
      catalog: this.twin.catalog(),
      calls: { ...this.twin.calls(), ...structuredClone(this.sfnApi.calls) },
    };
  }

  /** Call counts of this session plus every earlier one on the state dir. */
  totalCalls(): CallCounts {
    const total = structuredClone(this.priorCalls);
    for (const [op, c] of Object.entries(this.report().calls)) {
      total[op] = { succeeded: (total[op]?.succeeded ?? 0) + c.succeeded, failed: (total[op]?.failed ?? 0) + c.failed };
    }
    return total;
  }

  async close(): Promise<void> {
    await this.settled();
    await Promise.all([this.sfnApi.close(), this.twin.close()]);
    this.restoreEnv();
  }

  private saveScheduled: NodeJS.Immediate | undefined;

  /** Coalesces a burst of progress events into one write on the next event-loop turn. */
  private scheduleSave(): void {
    this.saveScheduled ??= setImmediate(() => this.save());
  }

  /** Atomic (temp file + rename), so a reader never sees half a file. */
  private save(): void {
    if (this.saveScheduled) clearImmediate(this.saveScheduled);
    this.saveScheduled = undefined;
    if (!this.options.stateDir) return;
    mkdirSync(this.options.stateDir, { recursive: true });
    const write = (name: string, data: unknown) => {
      const file = join(this.options.stateDir!, name);
      writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(data, null, 1));
      renameSync(`${file}.${process.pid}.tmp`, file);
    };
    write(EXECUTIONS_FILE, this.engine.list());
    write(CALLS_FILE, this.totalCalls());
  }

  private async invokeAsync(event: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await invokeLocally(TRIGGER_FUNCTION, event, 30);
      } catch (err) {
        if (attempt >= ASYNC_RETRIES) throw err;
        // Lambda retries a failed asynchronous event after about 1 and then 2 minutes.
        await new Promise((r) => setTimeout(r, 60_000 * (attempt + 1) * (this.options.timeScale ?? DEFAULT_TIME_SCALE)));
      }
    }
  }

  /** EventBridge delivering "Object Created" to the trigger Lambda, `copies` times. */
  private deliver(e: { bucket: string; key: string; versionId: string; etag: string; size: number }, copies: number): void {
    if (this.options.reloadConfig) process.env.PACKAGES_CONFIG = JSON.stringify(this.options.reloadConfig());
    for (let i = 0; i < copies; i++) {
      const event = objectCreatedEvent(e, this.twin.region, this.twin.accountId);
      const delivery = this.invokeAsync(event).catch((err: Error) => {
        this.triggerErrors.push({ key: e.key, error: err.name, message: err.message });
        this.options.onNotReleased?.(e.key, `no release started: the trigger failed with ${err.name}: ${err.message}`);
      });
      this.deliveries.add(delivery);
      void delivery.finally(() => this.deliveries.delete(delivery));
    }
  }
}

export type OpenSearchPackageType = (typeof OPENSEARCH.packageTypes)[number];

/** Creates an OpenSearch custom package in the twin through its APIs (a session's, or a running serve's). */
export async function createOpenSearchPackage(
  s3: S3Client,
  opensearch: OpenSearchClient,
  name: string,
  type: OpenSearchPackageType,
  initialContent: string | Buffer,
  engineVersion = DEFAULT_ENGINE_VERSION,
): Promise<void> {
  const key = `opensearch-init/${name}`;
  await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: key, Body: initialContent }));
  await opensearch.send(
    new CreatePackageCommand({
      PackageName: name,
      PackageType: type,
      PackageSource: { S3BucketName: LOCAL_BUCKET, S3Key: key },
      // AWS requires an engine version for plugins and refuses one for every other type.
      ...(type === 'ZIP-PLUGIN' && { EngineVersion: engineVersion }),
    }),
  );
}

/**
 * Sets the environment a deployed Lambda would have, pointing at a twin (this process's, or a
 * running serve's), and resets the clients and stores built from it. Returns the undo.
 */
export function applyHandlerEnvironment(p: { twinEnv: Record<string, string>; sfnEndpoint: string; config: PackagesConfig; stateMachineArn: string; logLevel?: string }): () => void {
  const env: Record<string, string> = {
    ...p.twinEnv,
    AWS_ENDPOINT_URL_SFN: p.sfnEndpoint,
    PACKAGES_CONFIG: JSON.stringify(p.config),
    ARTIFACT_BUCKET: LOCAL_BUCKET,
    STAGING_BUCKET: LOCAL_BUCKET,
    STAGING_PREFIX: 'staging/',
    STATE_MACHINE_ARN: p.stateMachineArn,
    // Real seconds (leases are wall-clock): far longer than a local invocation, short enough that
    // a lease left by a killed local process frees itself quickly.
    LEASE_TTL_SECONDS: String(LOCAL_LEASE_TTL_SECONDS),
    POWERTOOLS_LOG_LEVEL: p.logLevel ?? 'SILENT',
  };
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const reset = () => {
    resetAwsClients();
    resetIdempotencyStore();
  };
  logger.setLogLevel(env.POWERTOOLS_LOG_LEVEL as never);
  // Never on stdout, which is the commands' output (a session sends them to its twin instead).
  setMetricsSink(() => undefined);
  reset();
  return () => {
    setMetricsSink(undefined);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    reset();
  };
}

function stateStats(e: ExecutionRecord): LocalReport['executions'][number]['stateStats'] {
  const stats: LocalReport['executions'][number]['stateStats'] = {};
  for (const state of e.states) {
    const entry = (stats[state.name] ??= { retries: 0, errors: {} });
    entry.retries += state.retries;
    for (const [name, n] of Object.entries(state.errors ?? {})) entry.errors[name] = (entry.errors[name] ?? 0) + n;
  }
  return stats;
}

/** Local runs compress AWS's seconds 100-fold (a 30 s poll takes 300 ms); attempt counts and backoff shapes stay. */
export const DEFAULT_TIME_SCALE = 0.01;
export const LOCAL_LEASE_TTL_SECONDS = 30;
/** Local Task timeouts are 10× the ASL's: every Lambda shares one process, so a busy machine must not time them out. */
export const LOCAL_TASK_TIMEOUT_FACTOR = 10;

/** Lambda's asynchronous invocation retries a failed event twice before its on-failure destination. */
const ASYNC_RETRIES = 2;

/** The EventBridge "Object Created" event S3 sends (shape of shared/aws-events), key form-encoded. */
export function objectCreatedEvent(e: { bucket: string; key: string; versionId: string; etag: string; size: number }, region: string, account: string) {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account,
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    region,
    resources: [`arn:aws:s3:::${e.bucket}`],
    detail: {
      version: '0',
      bucket: { name: e.bucket },
      object: { key: encodeURIComponent(e.key).replace(/%2F/g, '/').replace(/%20/g, '+'), size: e.size, etag: e.etag.replace(/"/g, ''), 'version-id': e.versionId, sequencer: Date.now().toString(16).toUpperCase() },
      'request-id': crypto.randomUUID().slice(0, 16).toUpperCase(),
      requester: account,
      'source-ip-address': '127.0.0.1',
      reason: 'PutObject',
    },
  };
}
