/**
 * DynamoDB for the Powertools idempotency store and the leases: dynalite on loopback, in its own
 * worker thread (dynalite-worker.mjs says why), in memory or (with `path`) in a LevelDB directory so
 * idempotency records survive between CLI runs.
 */
import { mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import type { CallCounts, CallRecorder } from '../core/calls';
import { JSON_MAX_REQUEST_BYTES } from '../core/limits';

export interface DynamoTwin {
  readonly endpoint: string;
  readonly tableName: string;
  close(): Promise<void>;
}

export interface DynamoOptions {
  tableName: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** LevelDB directory; in memory when omitted. */
  path?: string;
  /** Fixed port; 0 or absent: one chosen by the OS. */
  port?: number;
  /** Counts the handlers' requests (not the table set-up) as `dynamodb:Operation`, with the other services' calls. */
  recorder?: CallRecorder;
}

/**
 * Starts dynalite and creates the idempotency table: partition key `id` (S), as Powertools expects.
 * `expiration` is just an attribute; dynalite has no UpdateTimeToLive, and expiry is not needed
 * for a local run.
 */
export async function startDynamo(opts: DynamoOptions): Promise<DynamoTwin> {
  if (opts.path) mkdirSync(opts.path, { recursive: true });
  const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url), { workerData: { path: opts.path, port: opts.port, maxRequestBytes: JSON_MAX_REQUEST_BYTES } });
  // It only ever answers this process's requests: it must not keep the process alive by itself.
  worker.unref();
  const ready = await new Promise<WorkerReady>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: WorkerReady | { startFailed: { message: string; code?: string } }) =>
      'startFailed' in m ? reject(Object.assign(new Error(m.startFailed.message), { code: m.startFailed.code })) : resolve(m),
    );
  }).catch(async (e: unknown) => {
    await worker.terminate();
    throw e;
  });
  const stopped = watchForCrash(worker);
  const endpoint = `http://127.0.0.1:${ready.port}`;
  const client = new DynamoDBClient({ endpoint, region: opts.region, credentials: opts.credentials });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: opts.tableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err; // already there from an earlier run
  }
  // createTableMs: 0 still flips CREATING → ACTIVE on a timer; wait for it.
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: opts.tableName }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 5));
  }
  client.destroy();
  if (opts.recorder) {
    const counts = new WorkerCallCounts(ready.operations, new Int32Array(ready.counts));
    counts.start();
    opts.recorder.include(counts);
  }
  return {
    endpoint,
    tableName: opts.tableName,
    close: () => stopped.close(),
  };
}

/**
 * After start-up the worker only ends when asked to. Ending otherwise (dynalite failed: see the
 * worker's uncaughtException) is thrown on the main thread, so the run stops loudly instead of its
 * requests failing one by one; `close()` settles either way, and once.
 */
function watchForCrash(worker: Worker): { close(): Promise<void> } {
  let closing: Promise<void> | undefined;
  let crash: string | undefined;
  worker.on('message', (m: { crashed?: { message: string; stack?: string } }) => {
    if (m.crashed) crash = m.crashed.stack ?? m.crashed.message;
  });
  worker.on('error', (e) => {
    crash = e.stack ?? e.message;
  });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  void exited.then((code) => {
    if (closing) return;
    throw new Error(`the twin's DynamoDB (dynalite worker) stopped (exit code ${code})${crash ? `: ${crash}` : ''}`);
  });
  return {
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        const onMessage = (m: { closed?: boolean; error?: string }) => {
          if (!m.closed) return;
          worker.off('message', onMessage);
          void worker.terminate().then(() => (m.error ? reject(new Error(m.error)) : resolve()));
        };
        worker.on('message', onMessage);
        // A worker that has already ended answers nothing: its exit settles the close.
        void exited.then(() => resolve());
        worker.postMessage('close');
      })),
  };
}

interface WorkerReady {
  port: number;
  operations: string[];
  counts: SharedArrayBuffer;
}

/** The worker's counts (see dynalite-worker.mjs for the layout), as `dynamodb:Operation`. */
class WorkerCallCounts {
  constructor(
    private readonly operations: string[],
    private readonly counts: Int32Array,
  ) {}

  /** From now on: the table's set-up is not the handlers' doing. */
  start(): void {
    Atomics.store(this.counts, 0, 1);
  }

  snapshot(): CallCounts {
    const out: CallCounts = {};
    this.operations.forEach((operation, i) => {
      const succeeded = Atomics.load(this.counts, 1 + 2 * i);
      const failed = Atomics.load(this.counts, 2 + 2 * i);
      if (succeeded || failed) out[`dynamodb:${operation}`] = { succeeded, failed };
    });
    return out;
  }

  reset(): void {
    for (let i = 1; i < this.counts.length; i++) Atomics.store(this.counts, i, 0);
  }
}
