/**
 * The stores' document client (functions/adapters/dynamo/client.ts: signed calls, no SDK client)
 * against DynamoDB Local, configured only by the environment as in a Lambda, with lib-dynamodb
 * over the SDK's client as the reference: items round-trip as the SDK stores them, and a refusal
 * or a throttled call ends with the error the SDK's client raises.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as sdk from '@aws-sdk/lib-dynamodb';
import { isThrottlingError } from '@smithy/core/retry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbApi } from '../../../functions/adapters/aws/dynamodb-api';
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  createDocumentClient,
  paginateQuery,
} from '../../../functions/adapters/dynamo/client';
import { rejectionOf } from '../../support/rejection';
import { createTestTables, type TestTables } from '../dynamo/tables';

type AwsError = Error & { $fault?: string; $metadata?: { httpStatusCode?: number }; Item?: unknown; CancellationReasons?: unknown };
const refusal = async (promise: Promise<unknown>): Promise<AwsError> => rejectionOf(promise, Error);

let tables: TestTables;
let reference: sdk.DynamoDBDocumentClient;
beforeAll(async () => {
  tables = await createTestTables();
  reference = sdk.DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
});
afterAll(() => reference.destroy());

const item = (sk: string) => ({
  user_id: 'u-signed',
  sk,
  n: 42.5,
  big: 2 ** 40,
  flag: false,
  none: null,
  gone: undefined,
  list: [1, 'two', { three: 3 }],
  nested: { a: { b: 'c' }, empty: [] },
  tags: new Set(['x', 'y']),
});

describe('the document client without the SDK client', () => {
  it('writes items the SDK reads back unchanged, and reads what the SDK wrote as the SDK does', async () => {
    const doc = createDocumentClient();
    const table = tables.names.data;
    await doc.send(new PutCommand({ TableName: table, Item: item('OURS') }));
    await reference.send(new sdk.PutCommand({ TableName: table, Item: item('SDKS') }));
    const ours = await doc.send(new GetCommand({ TableName: table, Key: { user_id: 'u-signed', sk: 'SDKS' }, ConsistentRead: true }));
    const theirs = await reference.send(new sdk.GetCommand({ TableName: table, Key: { user_id: 'u-signed', sk: 'OURS' }, ConsistentRead: true }));
    expect({ ...ours.Item, sk: 'OURS' }).toEqual(theirs.Item);
    expect(ours.Item?.tags).toEqual(new Set(['x', 'y']));
    expect(ours.Item).not.toHaveProperty('gone');
  });

  it('pages a query through LastEvaluatedKey as lib-dynamodb does', async () => {
    const doc = createDocumentClient();
    const table = tables.names.data;
    for (let i = 0; i < 5; i++) await doc.send(new PutCommand({ TableName: table, Item: { user_id: 'u-pages', sk: `P#${i}` } }));
    const input = { TableName: table, KeyConditionExpression: 'user_id = :u', ExpressionAttributeValues: { ':u': 'u-pages' }, Limit: 2 };
    const pages: string[][] = [];
    for await (const page of paginateQuery({ client: doc }, input)) pages.push((page.Items ?? []).map((i) => String(i.sk)));
    const expected: string[][] = [];
    for await (const page of sdk.paginateQuery({ client: reference }, input)) expected.push((page.Items ?? []).map((i) => String(i.sk)));
    expect(pages).toEqual(expected);
    expect(pages.flat()).toEqual(['P#0', 'P#1', 'P#2', 'P#3', 'P#4']);
  });

  it('refuses a failed condition as the SDK does: the same error, the item as it was, still marshalled', async () => {
    const doc = createDocumentClient();
    const table = tables.names.data;
    await doc.send(new PutCommand({ TableName: table, Item: { user_id: 'u-cond', sk: 'C', v: 1 } }));
    const update = {
      TableName: table,
      Key: { user_id: 'u-cond', sk: 'C' },
      UpdateExpression: 'SET v = :next',
      ConditionExpression: 'v = :expected',
      ExpressionAttributeValues: { ':next': 3, ':expected': 2 },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    const expected = await refusal(reference.send(new sdk.UpdateCommand(update)));
    const error = await refusal(doc.send(new UpdateCommand(update)));
    expect(error.name).toBe('ConditionalCheckFailedException');
    expect(error.name).toBe(expected.name);
    expect(error.$fault).toBe(expected.$fault);
    expect(error.$metadata?.httpStatusCode).toBe(expected.$metadata?.httpStatusCode);
    expect(error.Item).toEqual(expected.Item);
    expect(error.Item).toEqual({ user_id: { S: 'u-cond' }, sk: { S: 'C' }, v: { N: '1' } });
  });

  it('cancels a transaction as the SDK does, with a reason for each of its writes', async () => {
    const doc = createDocumentClient();
    const table = tables.names.data;
    const transaction = {
      TransactItems: [
        { Put: { TableName: table, Item: { user_id: 'u-tx', sk: 'A' } } },
        { Update: { TableName: table, Key: { user_id: 'u-tx', sk: 'B' }, UpdateExpression: 'SET v = :v', ConditionExpression: 'attribute_exists(v)', ExpressionAttributeValues: { ':v': 1 } } },
      ],
    };
    const expected = await refusal(reference.send(new sdk.TransactWriteCommand(transaction)));
    const error = await refusal(doc.send(new TransactWriteCommand(transaction)));
    expect(error.name).toBe('TransactionCanceledException');
    expect(error.name).toBe(expected.name);
    expect(error.CancellationReasons).toEqual(expected.CancellationReasons);
    expect((error.CancellationReasons as Array<{ Code: string }>).map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect((await doc.send(new GetCommand({ TableName: table, Key: { user_id: 'u-tx', sk: 'A' }, ConsistentRead: true }))).Item).toBeUndefined();
  });

  it("retries a throttled call as the SDK's standard strategy does (3 attempts), then raises the throttling error", async () => {
    let attempts = 0;
    const throttled = createDocumentClient(
      dynamoDbApi({
        beforeAttempt: async () => {
          attempts += 1;
          if (attempts < 3) throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } });
        },
      }),
    );
    const key = { user_id: 'u-throttle', sk: 'T' };
    await throttled.send(new PutCommand({ TableName: tables.names.data, Item: key }));
    expect(attempts).toBe(3);
    expect((await createDocumentClient().send(new GetCommand({ TableName: tables.names.data, Key: key, ConsistentRead: true }))).Item).toEqual(key);

    attempts = -10;
    const error = await refusal(throttled.send(new GetCommand({ TableName: tables.names.data, Key: key })));
    expect(attempts).toBe(-7);
    expect(error.name).toBe('ProvisionedThroughputExceededException');
    expect(isThrottlingError(error as Parameters<typeof isThrottlingError>[0])).toBe(true);
  });
});
