/** Each test file gets its own set of tables on the shared DynamoDB Local. */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../functions/adapters/dynamo/client';
import type { TableKey } from '../../../functions/adapters/dynamo/tables';
import { createTables, tableNamesFor } from '../../../scripts/local/create-tables';

export interface TestTables {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  names: Record<TableKey, string>;
}

/** A client configured only by the environment, as in a Lambda: proves AWS_ENDPOINT_URL_DYNAMODB is honoured. */
export const createTestTables = async (): Promise<TestTables> => {
  const client = new DynamoDBClient({});
  const names = tableNamesFor(`test-${randomUUID().slice(0, 8)}`);
  await createTables(client, names);
  return { client, doc: createDocumentClient(client), names };
};

export const scanAll = async (doc: DynamoDBDocumentClient, table: string): Promise<Array<Record<string, unknown>>> => {
  const items: Array<Record<string, unknown>> = [];
  for await (const page of paginateScan({ client: doc }, { TableName: table, ConsistentRead: true })) {
    items.push(...(page.Items ?? []));
  }
  return items;
};
