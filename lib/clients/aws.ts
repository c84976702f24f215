import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IoTClient } from '@aws-sdk/client-iot';
import { OpenSearchClient } from '@aws-sdk/client-opensearch';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { socketPoolConfig } from './socket-pool';

/**
 * The AWS access the release logic takes as an argument. Production builds the clients from the
 * environment; the local twin is reached through the SDK's own `AWS_ENDPOINT_URL_<SERVICE>`
 * variables, so the code under test is exactly the code that runs in Lambda.
 *
 * One getter per client (lazily created, shared by a warm Lambda's invocations), so each
 * function's bundle holds only the SDK clients it uses.
 */
const cache = new Map<string, unknown>();

/** What every SDK v3 client has: its middleware stack. */
type SdkClient = { middlewareStack: { remove(name: string): boolean } };

function cached<T extends SdkClient>(key: string, create: () => T): T {
  if (!cache.has(key)) cache.set(key, withoutLogFilter(create()));
  return cache.get(key) as T;
}

/**
 * These clients never get an SDK logger, yet the SDK's logger middleware filters every input and
 * output for the no-op default (a walk of the operation's schema per call, about 2 % of the CPU of
 * a local release): removed. Errors still reach the step, which logs what it decides to.
 */
function withoutLogFilter<T extends SdkClient>(client: T): T {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/**
 * `cacheMiddleware`: the SDK builds each command's middleware stack once per client instead of at
 * every call (the SDK's own throughput option). Only for clients whose endpoint is one per client
 * (a region's service, or the twin): the cached handler shares one context between calls of a
 * command, and S3's endpoint varies with the bucket.
 */
const CACHED_STACK = { cacheMiddleware: true } as const;

export const iotClient = () => cached('iot', () => new IoTClient({ ...socketPoolConfig('IOT'), ...CACHED_STACK }));

export const opensearchClient = () => cached('opensearch', () => new OpenSearchClient({ ...socketPoolConfig('OPENSEARCH'), ...CACHED_STACK }));

/**
 * For OpenSearch UpdatePackage only: no SDK retries. The call has no idempotency token, so a
 * response lost to a 5xx must not be blindly re-sent; the step re-reads the version history first.
 */
export const opensearchWriteClient = () => cached('opensearch-writes', () => new OpenSearchClient({ ...socketPoolConfig('OPENSEARCH'), ...CACHED_STACK, maxAttempts: 1 }));

// A custom S3 endpoint (the local twin) cannot resolve `<bucket>.<host>`: use path-style there.
export const s3Client = () =>
  cached('s3', () => new S3Client({ ...socketPoolConfig('S3'), forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL) }));

export const sfnClient = () => cached('sfn', () => new SFNClient({ ...socketPoolConfig('SFN'), ...CACHED_STACK }));

/** For the OpenSearch package leases and the Powertools idempotency records (one table, one client). */
export const dynamodbClient = () => cached('dynamodb', () => new DynamoDBClient({ ...socketPoolConfig('DYNAMODB'), ...CACHED_STACK }));

/** Forget cached clients (the local engine changes endpoints between runs in one process). */
export function resetAwsClients(): void {
  cache.clear();
}
