/**
 * DynamoDB for the Powertools idempotency store: dynalite on loopback, in memory or (with `path`)
 * in a LevelDB directory so idempotency records survive between CLI runs.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

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
}

/**
 * Starts dynalite and creates the idempotency table: partition key `id` (S), as Powertools expects.
 * `expiration` is just an attribute; dynalite has no UpdateTimeToLive, and expiry is not needed
 * for a local run.
 */
export async function startDynamo(opts: DynamoOptions): Promise<DynamoTwin> {
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
