/** Each test file gets its own set of tables on the shared DynamoDB Local. */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, type DocumentClient, ScanCommand } from '../../../functions/adapters/dynamo/client';
import type { TableKey } from '../../../functions/adapters/dynamo/tables';
import { createTables, tableNamesFor } from '../../../scripts/local/create-tables';

export interface TestTables {
  client: DynamoDBClient;
  doc: DocumentClient;
  names: Record<TableKey, string>;
}

/** Clients configured only by the environment, as in a Lambda: proves AWS_ENDPOINT_URL_DYNAMODB is honoured (the SDK's client creates the tables, the stores' own document client reads and writes). */
export const createTestTables = async (): Promise<TestTables> => {
  const client = new DynamoDBClient({});
  const names = tableNamesFor(`test-${randomUUID().slice(0, 8)}`);
  await createTables(client, names);
  return { client, doc: createDocumentClient(), names };
};

export const scanAll = async (doc: DocumentClient, table: string): Promise<Array<Record<string, unknown>>> => {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};
