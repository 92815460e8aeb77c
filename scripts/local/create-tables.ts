/**
 * Creates the three tables of functions/adapters/dynamo/tables.ts on DynamoDB Local, the way
 * the CDK stack declares them (on-demand, each index's projection, TTL), so the
 * tests, the demo and the benchmark run against the deployed layout.
 */
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { TABLES, type KeyAttribute, type TableKey, type TableSpec } from '../../functions/adapters/dynamo/tables';

export const tableNamesFor = (prefix: string): Record<TableKey, string> => ({
  connections: `${prefix}-connections`,
  data: `${prefix}-data`,
  attempts: `${prefix}-attempts`,
  events: `${prefix}-events`,
});

const keySchema = (partitionKey: KeyAttribute, sortKey?: KeyAttribute): KeySchemaElement[] => [
  { AttributeName: partitionKey.name, KeyType: 'HASH' },
  ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
];

const createTableInput = (name: string, spec: TableSpec): CreateTableCommandInput => {
  const keyAttributes = [
    spec.partitionKey,
    spec.sortKey,
    ...(spec.globalIndexes ?? []).flatMap((index) => [index.partitionKey, index.sortKey]),
    ...(spec.localIndexes ?? []).map((index) => index.sortKey),
  ].filter((attribute): attribute is KeyAttribute => attribute !== undefined);
  // An attribute used by several keys is defined once.
  const definitions = new Map<string, AttributeDefinition>(
    keyAttributes.map((attribute) => [attribute.name, { AttributeName: attribute.name, AttributeType: attribute.type }]),
  );
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...definitions.values()],
    KeySchema: keySchema(spec.partitionKey, spec.sortKey),
    ...(spec.globalIndexes
      ? {
          GlobalSecondaryIndexes: spec.globalIndexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection: { ProjectionType: index.projection },
          })),
        }
      : {}),
    ...(spec.localIndexes
      ? {
          LocalSecondaryIndexes: spec.localIndexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(spec.partitionKey, index.sortKey),
            Projection: { ProjectionType: index.projection },
          })),
        }
      : {}),
  };
};

const createTable = async (client: DynamoDBClient, name: string, spec: TableSpec): Promise<void> => {
  try {
    await client.send(new CreateTableCommand(createTableInput(name, spec)));
  } catch (error) {
    // Already there: creating is idempotent so every test file and script may call it.
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: name });
  if (spec.ttlAttribute) {
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    // Enabling TTL twice is an error, not a no-op.
    if (TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true },
        }),
      );
    }
  }
};

export const createTables = async (client: DynamoDBClient, names: Record<TableKey, string>): Promise<void> => {
  await Promise.all(
    (Object.keys(TABLES) as TableKey[]).map((key) => createTable(client, names[key], TABLES[key])),
  );
};
