import { ConditionalCheckFailedException, type DynamoDBClient, GetItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

/** One helper per DynamoDB call the release makes itself (Powertools makes its own). */

export type ConditionalUpdateResult = { ok: true; item: Record<string, unknown> } | { ok: false; current?: Record<string, unknown> };

/**
 * UpdateItem under a condition. Returns the new item, or — when the condition fails — the item as
 * it was (ReturnValuesOnConditionCheckFailure), so the caller can say who holds what.
 */
export async function conditionalUpdate(
  client: DynamoDBClient,
  input: { table: string; id: string; update: string; condition: string; names: Record<string, string>; values: Record<string, unknown> },
): Promise<ConditionalUpdateResult> {
  try {
    const out = await client.send(
      new UpdateItemCommand({
        TableName: input.table,
        Key: { id: { S: input.id } },
        UpdateExpression: input.update,
        ConditionExpression: input.condition,
        ExpressionAttributeNames: input.names,
        ExpressionAttributeValues: marshall(input.values, { removeUndefinedValues: true }),
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { ok: true, item: unmarshall(out.Attributes ?? {}) };
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    const old = (e as ConditionalCheckFailedException & { Item?: Record<string, AttributeValue> }).Item;
    return { ok: false, current: old ? unmarshall(old) : undefined };
  }
}

/** GetItem by id, strongly consistent; undefined when there is no such item. */
export async function getItem(client: DynamoDBClient, table: string, id: string): Promise<Record<string, unknown> | undefined> {
  const out = await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }));
  return out.Item ? unmarshall(out.Item) : undefined;
}

/** UpdateItem without a condition: sets one attribute (creating the item when missing). */
export async function setAttribute(client: DynamoDBClient, table: string, id: string, name: string, value: unknown): Promise<void> {
  await client.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { id: { S: id } },
      UpdateExpression: 'SET #name = :value',
      ExpressionAttributeNames: { '#name': name },
      ExpressionAttributeValues: marshall({ ':value': value }, { removeUndefinedValues: true }),
    }),
  );
}

/**
 * Appends `value` to the list attribute `name` in one atomic UpdateItem (creating the item and the
 * list when missing): concurrent appends all land. Returns the list as it is after this append.
 */
export async function appendToList(client: DynamoDBClient, table: string, id: string, name: string, value: unknown): Promise<unknown[]> {
  const out = await client.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { id: { S: id } },
      UpdateExpression: 'SET #name = list_append(if_not_exists(#name, :empty), :value)',
      ExpressionAttributeNames: { '#name': name },
      ExpressionAttributeValues: marshall({ ':empty': [], ':value': [value] }, { removeUndefinedValues: true }),
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const list = out.Attributes ? unmarshall(out.Attributes)[name] : undefined;
  return Array.isArray(list) ? list : [];
}

/**
 * Removes the first `count` elements of the list attribute `name`, only while it still holds
 * `size` elements: after an append nobody here has seen, it is left alone (false). The paths are
 * listed last first, so they name the same elements whether a store resolves each against the list
 * as it was or, as dynalite (the local store) does, removes them one at a time, shifting the rest
 * (first-first there removed every other element: test/unit/poll-timing-store.test.ts).
 */
export async function dropListHead(client: DynamoDBClient, table: string, id: string, name: string, count: number, size: number): Promise<boolean> {
  if (count <= 0) return true;
  const result = await conditionalUpdate(client, {
    table,
    id,
    update: `REMOVE ${Array.from({ length: count }, (_, i) => `#name[${count - 1 - i}]`).join(', ')}`,
    condition: 'size(#name) = :size',
    names: { '#name': name },
    values: { ':size': size },
  });
  return result.ok;
}
