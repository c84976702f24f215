import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { dynamodbClient } from '../clients/aws';
import { withoutUndefined } from '../release/request';

/**
 * Powertools idempotency, DynamoDB-backed, keyed on the release's `clientToken`.
 *
 * The stored key is `<functionName>#<hash(key)>`: the function name comes from the Lambda context
 * (not the process environment) so the local engine, which runs every step in one process, keeps
 * each step's records apart exactly as separate Lambdas would.
 */
const RECORD_TTL_SECONDS = 7 * 24 * 3600;

/**
 * What a replay must carry again (Powertools `payloadValidationJmesPath`): the release's identity.
 * A caller-chosen clientToken reused for another package, version or artifact then fails with
 * IdempotencyValidationError instead of silently replaying the first release's result. Not the
 * execution name or earlier steps' results, which differ between a New execution and the first.
 */
export const RELEASE_IDENTITY_JMESPATH = '[packageName, versionName, artifact]';

/** A rollback's identity: a rollback token reused for another package or target fails instead of replaying. */
export const ROLLBACK_IDENTITY_JMESPATH = '[packageName, targetVersion]';

/**
 * A persistence layer keeps the first configuration it is given (key path, key prefix), so each
 * function gets its own — one per Lambda in AWS, one per step name in the local engine's process.
 */
const stores = new Map<string, DynamoDBPersistenceLayer>();
function persistenceStore(functionName: string): DynamoDBPersistenceLayer {
  const tableName = process.env.IDEMPOTENCY_TABLE;
  if (!tableName) throw new Error('IDEMPOTENCY_TABLE is not set');
  let store = stores.get(functionName);
  if (!store) stores.set(functionName, (store = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamodbClient() })));
  return store;
}

/** Forget the cached stores (the local engine points them at a new DynamoDB between runs). */
export function resetIdempotencyStore(): void {
  stores.clear();
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
  payloadValidationJmesPath = RELEASE_IDENTITY_JMESPATH,
): Promise<R> {
  const config = new IdempotencyConfig({
    eventKeyJmesPath,
    payloadValidationJmesPath,
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: RECORD_TTL_SECONDS,
  });
  config.registerLambdaContext(context);
  // The DynamoDB layer refuses `undefined` members, so results are stored without them.
  const storable = async (p: P) => withoutUndefined(await fn(p));
  const idempotent = makeIdempotent(storable, { persistenceStore: persistenceStore(context.functionName), config, keyPrefix: context.functionName });
  return idempotent(payload);
}
