import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { withoutUndefined } from '../release/request';

/**
 * Powertools idempotency, DynamoDB-backed, keyed on the release's `clientToken`.
 *
 * The stored key is `<functionName>#<hash(key)>`: the function name comes from the Lambda context
 * (not the process environment) so the local engine, which runs every step in one process, keeps
 * each step's records apart exactly as separate Lambdas would.
 */
const RECORD_TTL_SECONDS = 7 * 24 * 3600;

let store: DynamoDBPersistenceLayer | undefined;
function persistenceStore(): DynamoDBPersistenceLayer {
  const tableName = process.env.IDEMPOTENCY_TABLE;
  if (!tableName) throw new Error('IDEMPOTENCY_TABLE is not set');
  store ??= new DynamoDBPersistenceLayer({ tableName });
  return store;
}

/** Forget the cached store (the local engine points it at a new DynamoDB between runs). */
export function resetIdempotencyStore(): void {
  store = undefined;
}

/**
 * Runs `fn(payload)` at most once per idempotency key: a replay returns the stored result.
 * `eventKeyJmesPath` defaults to `clientToken`.
 */
export async function runIdempotent<P extends object, R>(
  fn: (payload: P) => Promise<R>,
  payload: P,
  context: Context,
  eventKeyJmesPath = 'clientToken',
): Promise<R> {
  const config = new IdempotencyConfig({ eventKeyJmesPath, throwOnNoIdempotencyKey: true, expiresAfterSeconds: RECORD_TTL_SECONDS });
  config.registerLambdaContext(context);
  // The DynamoDB layer refuses `undefined` members, so results are stored without them.
  const storable = async (p: P) => withoutUndefined(await fn(p));
  const idempotent = makeIdempotent(storable, { persistenceStore: persistenceStore(), config, keyPrefix: context.functionName });
  return idempotent(payload);
}
