import { ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, PutItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { makeIdempotent, IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../local/engine/functions';
import { connect } from 'node:net';
import { explain } from '../../cli/errors';
import { startDynamo } from '../../local/twin/dynamodb/dynamo';
import { CallRecorder } from '../../local/twin/core/calls';
import { failure, useDynamoTwin, waitFor } from './helpers';

/**
 * The twin's DynamoDB must answer what Powertools relies on the way DynamoDB does: a failed
 * conditional write returns the item it was compared with when asked
 * (ReturnValuesOnConditionCheckFailure: ALL_OLD). Without it Powertools reads the record in a
 * second call, and a concurrent execution can delete it in between: IdempotencyItemNotFoundError.
 */
const TABLE = 'dynamo-twin';
const db = useDynamoTwin(TABLE);

const EXISTING = { id: { S: 'record-1' }, status: { S: 'INPROGRESS' }, data: { N: '42' } };

describe('twin DynamoDB: a failed condition returns the old item when asked', () => {
  it('PutItem with ReturnValuesOnConditionCheckFailure ALL_OLD: ConditionalCheckFailedException carries the existing item', async () => {
    await db.client.send(new PutItemCommand({ TableName: TABLE, Item: EXISTING }));

    const error = await failure(
      db.client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { id: { S: 'record-1' }, status: { S: 'OTHER' } },
          ConditionExpression: 'attribute_not_exists(id)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );

    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expect((error as unknown as ConditionalCheckFailedException).Item).toEqual(EXISTING);
  });

  it('UpdateItem likewise (the lease uses it)', async () => {
    await db.client.send(new PutItemCommand({ TableName: TABLE, Item: { ...EXISTING, id: { S: 'record-2' } } }));
    const error = await failure(
      db.client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { id: { S: 'record-2' } },
          UpdateExpression: 'SET #s = :s',
          ConditionExpression: '#s = :expected',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': { S: 'DONE' }, ':expected': { S: 'COMPLETED' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    expect((error as unknown as ConditionalCheckFailedException).Item).toEqual({ ...EXISTING, id: { S: 'record-2' } });
  });

  it('without the parameter, no item (as DynamoDB)', async () => {
    await db.client.send(new PutItemCommand({ TableName: TABLE, Item: { ...EXISTING, id: { S: 'record-3' } } }));
    const error = await failure(
      db.client.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'record-3' } }, ConditionExpression: 'attribute_not_exists(id)' })),
    );
    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expect((error as unknown as ConditionalCheckFailedException).Item).toBeUndefined();
  });

  it('Powertools: a concurrent call whose record vanishes right after its failed PutItem gets IdempotencyAlreadyInProgressError, never IdempotencyItemNotFoundError', async () => {
    // The second invocation's client: records its commands, and — the ordering race of docs/ordering.md — deletes the
    // record right after its conditional PutItem fails, as the first execution's error cleanup would.
    const sent: string[] = [];
    const second = new DynamoDBClient({ endpoint: db.twin.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'twin', secretAccessKey: 'twin-secret' }, maxAttempts: 1 });
    second.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName as string);
        try {
          return await next(args);
        } catch (e) {
          if (context.commandName === 'PutItemCommand' && e instanceof ConditionalCheckFailedException) {
            const id = (args.input as { Item: { id: { S: string } } }).Item.id;
            await db.client.send(new DeleteItemCommand({ TableName: TABLE, Key: { id } }));
          }
          throw e;
        }
      },
      { step: 'initialize', name: 'deleteAfterFailedPut' },
    );
    const config = new IdempotencyConfig({ eventKeyJmesPath: 'clientToken' });
    config.registerLambdaContext(lambdaContext('createVersion', 60));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = makeIdempotent(
      async (_event: { clientToken: string }) => {
        await gate;
        return { outcome: 'created' };
      },
      { persistenceStore: new DynamoDBPersistenceLayer({ tableName: TABLE, awsSdkV3Client: db.client }), config, keyPrefix: 'createVersion' },
    );
    const concurrent = makeIdempotent(async (_event: { clientToken: string }) => ({ outcome: 'must not run' }), {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: TABLE, awsSdkV3Client: second }),
      config,
      keyPrefix: 'createVersion',
    });
    const event = { clientToken: 'a'.repeat(64) };

    const running = first(event);
    try {
      await waitFor(
        () => db.client.send(new ScanCommand({ TableName: TABLE })),
        (out) => (out.Items ?? []).some((i) => i.id?.S?.startsWith('createVersion#') && i.status?.S === 'INPROGRESS'),
      );
      const error = await failure(concurrent(event));
      expect(error.name).toBe('IdempotencyAlreadyInProgressError');
    } finally {
      release();
      await running;
    }

    expect(sent).toEqual(['PutItemCommand']);
    // The in-progress record came with the failed PutItem: no GetItem that could find it gone.
    expect(sent).not.toContain('GetItemCommand');
    second.destroy();
  });
});

describe('twin DynamoDB: call counts', () => {
  it("counts each request as dynamodb:Operation, failed conditions as failed, and not the table's set-up", async () => {
    const recorder = new CallRecorder();
    const credentials = { accessKeyId: 'twin', secretAccessKey: 'twin-secret' };
    const twin = await startDynamo({ tableName: 'counted', region: 'us-east-1', credentials, recorder });
    const client = new DynamoDBClient({ endpoint: twin.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    try {
      expect(recorder.snapshot()).toEqual({});
      const item = { id: { S: 'a' } };
      await client.send(new PutItemCommand({ TableName: 'counted', Item: item }));
      await failure(client.send(new PutItemCommand({ TableName: 'counted', Item: item, ConditionExpression: 'attribute_not_exists(id)' })));
      await client.send(new DeleteItemCommand({ TableName: 'counted', Key: item }));
      // Counted in the worker thread before the answer is written: no wait needed to see it.
      expect(recorder.snapshot()).toEqual({ 'dynamodb:DeleteItem': { succeeded: 1, failed: 0 }, 'dynamodb:PutItem': { succeeded: 1, failed: 1 } });
      recorder.reset();
      expect(recorder.snapshot()).toEqual({});
    } finally {
      client.destroy();
      await twin.close();
    }
  });
});

describe('twin DynamoDB: its worker thread', () => {
  const credentials = { accessKeyId: 'twin', secretAccessKey: 'twin-secret' };

  it('a port in use fails the start with EADDRINUSE, which the CLI explains', async () => {
    const first = await startDynamo({ tableName: 'port-owner', region: 'us-east-1', credentials });
    try {
      const port = Number(new URL(first.endpoint).port);
      const clash = await startDynamo({ tableName: 'port-clash', region: 'us-east-1', credentials, port }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(clash).toMatchObject({ code: 'EADDRINUSE' });
      expect(explain(clash)).toMatch(/pass --port/);
    } finally {
      await first.close();
    }
  });

  it('a client that drops a request half sent does not end it (dynalite alone would throw), and close() settles once for every caller', async () => {
    const twin = await startDynamo({ tableName: 'dropped', region: 'us-east-1', credentials });
    const { port } = new URL(twin.endpoint);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.PutItem\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 1000\r\n\r\n{"TableName":');
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      }).on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const client = new DynamoDBClient({ endpoint: twin.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    try {
      await expect(client.send(new PutItemCommand({ TableName: 'dropped', Item: { id: { S: 'after' } } }))).resolves.toBeDefined();
    } finally {
      client.destroy();
    }
    await expect(Promise.all([twin.close(), twin.close()])).resolves.toEqual([undefined, undefined]);
  });
});
