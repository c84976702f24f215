/**
 * DynamoDB for the Powertools idempotency store: dynalite on loopback, in memory or (with `path`)
 * in a LevelDB directory so idempotency records survive between CLI runs.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { CallRecorder } from './http';

/**
 * DynamoDB returns the item that failed a condition when asked (`ReturnValuesOnConditionCheckFailure:
 * ALL_OLD`); dynalite does not. Powertools relies on it: without the item it reads the record in a
 * second call, and another execution can delete it in between (IdempotencyItemNotFoundError, an
 * empty cause). dynalite checks conditions under its per-key lock, so attaching the item it just
 * compared is exactly DynamoDB's answer.
 */
function returnItemOnConditionFailure(): void {
  const load = createRequire(import.meta.url);
  const db = load('dynalite/db') as {
    checkConditional: (data: Record<string, unknown>, existing: unknown) => (Error & { body?: Record<string, unknown> }) | null;
    __returnsItem?: boolean;
  };
  if (db.__returnsItem) return;
  // dynalite drops request members its validation does not list, so the parameter must be listed
  // too, or it never reaches the conditional check below.
  for (const action of ['putItem', 'updateItem', 'deleteItem']) {
    const validation = load(`dynalite/validations/${action}`) as { types: Record<string, unknown> };
    validation.types.ReturnValuesOnConditionCheckFailure = { type: 'String', enum: ['ALL_OLD', 'NONE'] };
  }
  const check = db.checkConditional;
  db.checkConditional = (data, existing) => {
    const failure = check(data, existing);
    if (failure?.body && existing && data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') failure.body.Item = existing;
    return failure;
  };
  db.__returnsItem = true;
}

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
  returnItemOnConditionFailure();
  if (opts.path) mkdirSync(opts.path, { recursive: true });
  const server = dynalite({ path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
  const { recorder } = opts;
  if (recorder) {
    server.prependListener('request', (req, res) => {
      const operation = `dynamodb:${String(req.headers['x-amz-target'] ?? 'unknown').split('.').pop()}`;
      res.once('finish', () => recorder.record(operation, res.statusCode < 300));
    });
  }
  return {
    endpoint,
    tableName: opts.tableName,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // dynalite's close() also closes the LevelDB store (releasing its lock for the next run).
        server.close((err?: Error) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
