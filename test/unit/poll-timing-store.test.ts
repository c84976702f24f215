import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem } from '../../lib/clients/dynamodb';
import { durationsKey, KEPT_OBSERVATIONS, observedDurations, recordDuration, TRIM_AT } from '../../lib/release/poll-timing';
import { type DynamoTwin, startDynamo } from '../../local/twin/dynamodb/dynamo';

/**
 * The learned durations (lib/release/poll-timing.ts) in a real DynamoDB-compatible store (dynalite):
 * the expressions AWS documents (list_append, if_not_exists, REMOVE of list elements, size()) as a
 * store evaluates them, and records that race.
 */
let dynamo: DynamoTwin;
let store: { dynamodb: DynamoDBClient; table: string };
const TABLE = 'durations-unit';

beforeAll(async () => {
  const credentials = { accessKeyId: 'unit', secretAccessKey: 'unit' };
  dynamo = await startDynamo({ tableName: TABLE, region: 'us-east-1', credentials });
  store = { dynamodb: new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials }), table: TABLE };
});
afterAll(() => dynamo.close());

const listOf = async (pkg: string, kind: string) => (await getItem(store.dynamodb, TABLE, durationsKey(pkg)))?.[kind] as number[] | undefined;

describe('durations in a real store', () => {
  it('records that race all land: none is lost to another read-modify-write', async () => {
    const seconds = [81, 82, 83, 84];
    await Promise.all(seconds.map((s) => recordDuration(store, 'racing-dict', 'import', s)));
    expect([...(await listOf('racing-dict', 'import'))!].sort()).toEqual(seconds);
  });

  it(`a long history is cut back: never ${TRIM_AT} kept, the last ${KEPT_OBSERVATIONS} always the newest`, async () => {
    for (let i = 1; i <= 3 * TRIM_AT + 3; i++) {
      const last = await recordDuration(store, 'long-dict', 'association', 100 + i);
      expect(last).toEqual(Array.from({ length: Math.min(i, KEPT_OBSERVATIONS) }, (_, k) => 100 + i - Math.min(i, KEPT_OBSERVATIONS) + 1 + k));
      expect((await listOf('long-dict', 'association'))!.length).toBeLessThan(TRIM_AT);
    }
    await expect(observedDurations(store, 'long-dict', 'association')).resolves.toEqual([129, 130, 131, 132, 133]);
  });

  it('other kinds of work on the same item are left alone', async () => {
    await recordDuration(store, 'shared-dict', 'import', 90);
    await recordDuration(store, 'shared-dict', 'blueGreen', 1500);
    expect(await listOf('shared-dict', 'import')).toEqual([90]);
    expect(await listOf('shared-dict', 'blueGreen')).toEqual([1500]);
  });

  it('a kind edited by hand into a non-list starts a new list', async () => {
    await store.dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: durationsKey('edited-dict') }, import: { S: 'nonsense' } } }));
    await expect(recordDuration(store, 'edited-dict', 'import', 95)).resolves.toEqual([95]);
    expect(await listOf('edited-dict', 'import')).toEqual([95]);
  });
});
