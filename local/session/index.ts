import { OpenSearchClient } from '@aws-sdk/client-opensearch';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { RequestListener } from 'node:http';
import { setMetricsSink } from '../../lib/lambda/metrics';
import type { PackagesConfig } from '../../lib/release/config';
import { executionEndRecorder } from '../engine/execution-end';
import type { ExecutionRecord } from '../engine/executions';
import { useLambdaRuntime } from '../engine/functions';
import { LambdaThreads } from '../engine/lambda-thread/lambda-thread';
import { LocalStepFunctions } from '../engine/local-sfn';
import { loadDefinitionText, ROLLBACK_ASL_PATH } from '../engine/definition';
import { rollbackMachineName } from '../../lib/release/rollback/machine';
import { type SfnApi, startSfnApi } from '../engine/sfn-api';
import { limitHeapGrowth } from '../heap';
import { type CallCounts, type DeviceGroupSpec, type DomainSpec, type FaultRule, type OpenSearchTiming, startTwin, type Twin } from '../twin';
import { EmfLog } from '../twin/emf-log';
import { DEFAULT_ENGINE_VERSION, DEFAULT_TIME_SCALE, LOCAL_BUCKET, LOCAL_TASK_TIMEOUT_FACTOR, PORT_OFFSETS } from './account';
import { EventDelivery } from './event-delivery';
import { applyHandlerEnvironment, setPackagesConfig } from './handler-env';
import { createDomainRunning, createOpenSearchPackage, type OpenSearchPackageType } from './opensearch-setup';
import { addCalls, executionLine, type LocalReport } from './report';
import { SessionFiles } from './state-files';

export * from './account';
export { objectCreatedEvent } from './event-delivery';
export { applyHandlerEnvironment } from './handler-env';
export { createOpenSearchPackage, type OpenSearchPackageType } from './opensearch-setup';
export type { LocalReport } from './report';
export { EXECUTIONS_FILE } from './state-files';

/**
 * One local "AWS account", composed: the twin's services, the state machine engine behind a Step
 * Functions API, and the S3 → EventBridge → trigger path (event-delivery.ts). The handlers find
 * everything through the environment variables they read in Lambda (handler-env.ts).
 */
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
  /**
   * false: the account's fleet indexing is OFF at start, as in a fresh AWS account (CreatePackage
   * and CreatePackageVersion fail until it is turned on). Default: as the state dir has it, on in a new one.
   */
  fleetIndexing?: boolean;
  /** Simulated devices (docs/fleet-twin.md); their jobs run in the session's timeScale. */
  devices?: DeviceGroupSpec[];
  /** Runs the handlers on this many threads of their own (engine/lambda-thread/; the CLI's sessions: LOCAL_LAMBDA_THREADS); absent or 0: on the main thread. */
  lambdaThreads?: number;
}

export interface UploadOptions {
  metadata?: Record<string, string>;
  /** How many copies of the "Object Created" event EventBridge delivers (at-least-once). */
  duplicateEvents?: number;
}

export class LocalSession {
  private restoreEnv: () => void = () => undefined;
  private readonly priorCalls: CallCounts;
  /** The EMF metric lines the handlers printed (lib/lambda/metrics.ts), in order: what CloudWatch would extract. */
  readonly metrics = new EmfLog();
  private readonly events: EventDelivery;
  private lambdaThreads?: LambdaThreads;

  private constructor(
    readonly twin: Twin,
    readonly engine: LocalStepFunctions,
    /** The rollback state machine (statemachines/rollback.asl.json), beside the release's. */
    readonly rollbacks: LocalStepFunctions,
    private readonly sfnApi: SfnApi,
    private readonly files: SessionFiles,
    private readonly options: LocalSessionOptions,
  ) {
    this.priorCalls = files.priorCalls();
    const { reloadConfig } = options;
    this.events = new EventDelivery({
      region: twin.region,
      accountId: twin.accountId,
      timeScale: options.timeScale ?? DEFAULT_TIME_SCALE,
      beforeDelivery: reloadConfig && (() => setPackagesConfig(reloadConfig())),
      onNotReleased: options.onNotReleased,
    });
  }

  static async start(options: LocalSessionOptions): Promise<LocalSession> {
    limitHeapGrowth();
    const base = options.basePort;
    const ports = base ? { s3: base + PORT_OFFSETS.s3, iot: base + PORT_OFFSETS.iot, opensearch: base + PORT_OFFSETS.opensearch, dynamodb: base + PORT_OFFSETS.dynamodb } : undefined;
    let session: LocalSession | undefined;
    // Started first, so that the threads' own start (a module loader each, tsx) overlaps the twin's.
    const threads = options.lambdaThreads ? LambdaThreads.start(options.lambdaThreads, (line) => session?.metrics.record(line)) : undefined;
    const closeThreads = async () => (await threads?.catch(() => undefined))?.close();
    const twin = await startTwin({
      seed: options.seed,
      faults: options.faults,
      opensearchTiming: options.opensearchTiming,
      stateDir: options.stateDir,
      ports,
      timeScale: options.timeScale ?? DEFAULT_TIME_SCALE,
      devices: options.devices,
      fleetIndexing: options.fleetIndexing,
      // The SBOM validation runs in the session's scaled time, as its waits and polls do.
      sbomTimeScale: options.timeScale ?? DEFAULT_TIME_SCALE,
    }).catch(async (e) => {
      await closeThreads();
      throw e;
    });
    const files = new SessionFiles(options.stateDir, () => ({ executions: [...engine.list(), ...rollbacks.list()], calls: session!.totalCalls() }));
    const recordEnd = executionEndRecorder();
    const engine = new LocalStepFunctions({
      region: twin.region,
      accountId: twin.accountId,
      timeScale: options.timeScale ?? DEFAULT_TIME_SCALE,
      taskTimeoutFactor: LOCAL_TASK_TIMEOUT_FACTOR,
      definitionText: options.definitionText,
      executions: files.executions(),
      onProgress: (execution) => {
        // Every change is on disk soon after it happens: a killed process loses at most one turn.
        if (session) files.scheduleSave();
        recordEnd(execution);
        options.onProgress?.(execution);
      },
    });
    const rollbacks = new LocalStepFunctions({
      region: twin.region,
      accountId: twin.accountId,
      stateMachineName: rollbackMachineName(engine.stateMachineArn),
      timeScale: options.timeScale ?? DEFAULT_TIME_SCALE,
      taskTimeoutFactor: LOCAL_TASK_TIMEOUT_FACTOR,
      definitionText: loadDefinitionText(ROLLBACK_ASL_PATH),
      executions: files.executions(),
      onProgress: (execution) => {
        if (session) files.scheduleSave();
        options.onProgress?.(execution);
      },
    });
    const sfnApi = await startSfnApi([engine, rollbacks], { port: base ? base + PORT_OFFSETS.sfn : undefined }).catch(async (e) => {
      await Promise.all([twin.close(), closeThreads()]);
      throw e;
    });
    session = new LocalSession(twin, engine, rollbacks, sfnApi, files, options);
    const live = session;
    live.useEnvironment();
    if (threads) {
      live.lambdaThreads = await threads;
      useLambdaRuntime(live.lambdaThreads);
    }
    twin.s3.ensureBucket(LOCAL_BUCKET);
    twin.s3.onObjectCreated((e) => live.events.objectCreated(e));
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
      timeScale: this.options.timeScale ?? DEFAULT_TIME_SCALE,
    });
    // The handlers' EMF lines are kept, for tests and the bench.
    setMetricsSink((line) => this.metrics.record(line));
  }

  /** The trigger's dead-letter queue: events whose delivery failed after Lambda's async retries. */
  get triggerErrors(): readonly { key: string; error: string; message: string }[] {
    return this.events.triggerErrors;
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

  /** Creates an OpenSearch domain (once per name) that already runs `packages`, as a person's existing domains would. */
  async createDomain(spec: Partial<DomainSpec> & { name: string; packages?: string[] }): Promise<void> {
    await createDomainRunning(this.twin, spec);
  }

  /** PutObject into the artifact bucket; the drop path starts the release. */
  async upload(key: string, body: string | Buffer, opts: UploadOptions = {}): Promise<{ versionId: string }> {
    const extra = (opts.duplicateEvents ?? 1) - 1;
    const out = await this.s3().send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: key, Body: body, Metadata: opts.metadata }));
    if (extra > 0) {
      const object = this.twin.s3.getObject(LOCAL_BUCKET, key, out.VersionId);
      this.events.deliver({ bucket: LOCAL_BUCKET, key, versionId: out.VersionId!, etag: object.etag, size: object.body.length }, extra);
    }
    return { versionId: out.VersionId! };
  }

  /** Start an execution directly, as CodePipeline's Step Functions action or a person would. */
  start(name: string, input: unknown): ExecutionRecord {
    return this.engine.start(name, input).execution;
  }

  /** The machine (the release's or the rollback's) that ran the execution of this name. */
  machineOf(name: string): LocalStepFunctions | undefined {
    return [this.engine, this.rollbacks].find((m) => m.get(name));
  }

  /** Waits until every delivered event has been handled and every execution has ended. */
  async settled(): Promise<void> {
    await this.events.settled();
    await Promise.all([this.engine.settled(), this.rollbacks.settled()]);
    this.files.save();
  }

  report(): LocalReport {
    return {
      executions: [...this.engine.list(), ...this.rollbacks.list()].map(executionLine),
      catalog: this.twin.catalog(),
      calls: { ...this.twin.calls(), ...structuredClone(this.sfnApi.calls) },
    };
  }

  /** Call counts of this session plus every earlier one on the state dir. */
  totalCalls(): CallCounts {
    return addCalls(this.priorCalls, this.report().calls);
  }

  async close(): Promise<void> {
    await this.settled();
    if (this.lambdaThreads) useLambdaRuntime(undefined);
    await Promise.all([this.sfnApi.close(), this.twin.close(), this.lambdaThreads?.close()]);
    this.restoreEnv();
  }
}
