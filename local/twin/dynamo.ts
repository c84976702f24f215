/**
 * DynamoDB for the Powertools idempotency store and the leases: dynalite on loopback, in its own
 * worker thread (dynalite-worker.mjs says why), in memory or (with `path`) in a LevelDB directory so
 * idempotency records survive between CLI runs.
 */
import { mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import type { CallCounts, CallRecorder } from './http';

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
  const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url), { workerData: { path: opts.path, port: opts.port } });
  // It only ever answers this process's requests: it must not keep the process alive by itself.
  worker.unref();
  const ready = await new Promise<WorkerReady>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: WorkerReady | { error: { message: string; code?: string } }) =>
      'error' in m ? reject(Object.assign(new Error(m.error.message), { code: m.error.code })) : resolve(m),
    );
  }).catch(async (e: unknown) => {
    await worker.terminate();
    throw e;
  });
  // Past start-up, a crash of the twin's DynamoDB must stop the run loudly, not time out requests.
  worker.on('error', (e) => {
    throw e;
  });
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        worker.once('message', (m: { closed: true; error?: string }) => {
          void worker.terminate().then(() => (m.error ? reject(new Error(m.error)) : resolve()));
        });
        worker.postMessage('close');
      }),
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
