import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreatePackageVersionCommand, GetPackageCommand, IoTClient } from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetAwsClients } from '../../lib/clients/aws';
import { resetIdempotencyStore } from '../../lib/lambda/idempotency';
import { lambdaContext } from '../../local/engine/functions';
import { type DynamoTwin, startDynamo } from '../../local/twin/dynamodb/dynamo';
import { CONFIG, release } from '../fixtures/release';

/**
 * Powertools idempotency with a real DynamoDB-compatible store (dynalite): a replay of the same
 * clientToken returns the stored result without calling IoT again. IoT itself is mocked.
 */
const iot = mockClient(IoTClient);
let dynamo: DynamoTwin;
const TABLE = 'idempotency-unit';

beforeAll(async () => {
  const credentials = { accessKeyId: 'unit', secretAccessKey: 'unit' };
  dynamo = await startDynamo({ tableName: TABLE, region: 'us-east-1', credentials });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    IDEMPOTENCY_TABLE: TABLE,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    // Each step checks the release against the configuration again.
    PACKAGES_CONFIG: JSON.stringify(CONFIG),
  });
  resetAwsClients();
  resetIdempotencyStore();
});
afterAll(async () => {
  await dynamo.close();
  delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  delete process.env.PACKAGES_CONFIG;
});

describe('step idempotency (Powertools, keyed on clientToken)', () => {
  it('a replay returns the stored result and makes no second IoT call; another token runs again', async () => {
    const { handler } = await import('../../functions/create-version/handler');
    iot.on(GetPackageCommand).resolves({ packageName: 'edge-agent' });
    iot.on(CreatePackageVersionCommand).resolvesOnce({ packageVersionArn: 'arn:first', status: 'DRAFT' }).resolves({ packageVersionArn: 'arn:other', status: 'DRAFT' });
    const state = { ...release(), steps: {} };

    const first = await handler(state, lambdaContext('createVersion', 30));
    const replay = await handler(state, lambdaContext('createVersion', 30));

    expect(first).toEqual({ outcome: 'created', versionArn: 'arn:first', status: 'DRAFT' });
    expect(replay).toEqual(first);
    expect(iot.commandCalls(CreatePackageVersionCommand)).toHaveLength(1);

    const other = await handler({ ...state, clientToken: 'b'.repeat(64) }, lambdaContext('createVersion', 30));
    expect(other).toMatchObject({ versionArn: 'arn:other' });
    expect(iot.commandCalls(CreatePackageVersionCommand)).toHaveLength(2);

    const { Items = [] } = await new DynamoDBClient({}).send(new ScanCommand({ TableName: TABLE }));
    expect(Items.map((i) => i.id!.S)).toEqual(expect.arrayContaining([expect.stringMatching(/^pkgrelease-local-createVersion#/)]));
    expect(Items.every((i) => i.status!.S === 'COMPLETED' && Number(i.expiration!.N) > Date.now() / 1000)).toBe(true);
  });

  it('refuses a clientToken reused for another release (payload validation) and calls nothing', async () => {
    const { handler } = await import('../../functions/create-version/handler');
    iot.reset();
    iot.on(GetPackageCommand).resolves({ packageName: 'edge-agent' });
    iot.on(CreatePackageVersionCommand).resolves({ packageVersionArn: 'arn:v', status: 'DRAFT' });
    const token = 'c'.repeat(64);
    await handler({ ...release(), clientToken: token, steps: {} }, lambdaContext('createVersion', 30));
    const callsBefore = iot.calls().length;

    const other = { ...release({ versionName: '9.9.9' }), clientToken: token, steps: {} };
    await expect(handler(other, lambdaContext('createVersion', 30))).rejects.toMatchObject({ name: 'IdempotencyValidationError' });
    expect(iot.calls()).toHaveLength(callsBefore);
    // The same release under a New execution (other execution name, other earlier results) still replays.
    await expect(handler({ ...release(), clientToken: token, execution: 'another-run', steps: { x: 1 } }, lambdaContext('createVersion', 30))).resolves.toMatchObject({ versionArn: 'arn:v' });
  });

  it('refuses an event without a clientToken (throwOnNoIdempotencyKey) instead of running unprotected', async () => {
    const { handler } = await import('../../functions/promote/handler');
    const { clientToken: _omit, ...withoutToken } = release();
    await expect(handler({ state: withoutToken, execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:release:x' } }, lambdaContext('promote', 30))).rejects.toMatchObject({ name: 'InvalidRelease' });
  });
});
