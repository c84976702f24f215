/** Shared helpers for the twin tests: real SDK clients pointed at a twin, and error capture. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IoTClient } from '@aws-sdk/client-iot';
import { OpenSearchClient } from '@aws-sdk/client-opensearch';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { clientConfig, type Twin } from '../../local/twin';
import { type DynamoTwin, startDynamo } from '../../local/twin/dynamodb/dynamo';

/** maxAttempts 1 unless told otherwise, so an injected or modelled error surfaces as is. */
export function clients(twin: Twin, maxAttempts = 1) {
  return {
    iot: new IoTClient({ ...clientConfig(twin, 'iot'), maxAttempts }),
    os: new OpenSearchClient({ ...clientConfig(twin, 'opensearch'), maxAttempts }),
    s3: new S3Client({ ...clientConfig(twin, 's3'), maxAttempts }),
  };
}

export type SdkError = Error & { $metadata: { httpStatusCode?: number; attempts?: number }; [member: string]: unknown };

/** The error a promise rejects with; fails the test if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** A valid IoT clientToken (36–64 non-whitespace characters). */
export const token = (n: number | string) => `test-token-${String(n).padStart(28, '0')}`;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `read` until `done` holds (or throws after `timeoutMs`). */
export async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await sleep(5);
  }
}

/** The twin's DynamoDB (dynalite) with one table, for the file's tests: `db.client` once started. */
export function useDynamoTwin(tableName: string): { client: DynamoDBClient; twin: DynamoTwin } {
  const credentials = { accessKeyId: 'twin', secretAccessKey: 'twin-secret' };
  const db = {} as { client: DynamoDBClient; twin: DynamoTwin };
  beforeAll(async () => {
    db.twin = await startDynamo({ tableName, region: 'us-east-1', credentials });
    db.client = new DynamoDBClient({ endpoint: db.twin.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  });
  afterAll(async () => {
    db.client.destroy();
    await db.twin.close();
  });
  return db;
}
