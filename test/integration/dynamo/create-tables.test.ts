import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createTables } from '../../../scripts/local/create-tables';
import { createTestTables } from './tables';

describe('createTables', () => {
  it('creates the three tables with their indexes and TTL, and may run again', async () => {
    const { client, names } = await createTestTables();
    await expect(createTables(client, names)).resolves.toBeUndefined();

    const describe = async (name: string) => (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
    const ttl = async (name: string) =>
      (await client.send(new DescribeTimeToLiveCommand({ TableName: name }))).TimeToLiveDescription;

    const connections = await describe(names.connections);
    expect(connections?.KeySchema).toEqual([{ AttributeName: 'user_id', KeyType: 'HASH' }]);
    expect(connections?.GlobalSecondaryIndexes?.[0]).toMatchObject({
      IndexName: 'due',
      KeySchema: [
        { AttributeName: 'due_shard', KeyType: 'HASH' },
        { AttributeName: 'next_sync_time', KeyType: 'RANGE' },
      ],
    });
    expect(connections?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');

    const data = await describe(names.data);
    expect(data?.LocalSecondaryIndexes?.[0]).toMatchObject({
      IndexName: 'by_start',
      KeySchema: [
        { AttributeName: 'user_id', KeyType: 'HASH' },
        { AttributeName: 'start_local', KeyType: 'RANGE' },
      ],
    });
    expect(await ttl(names.data)).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires_at' });

    const attempts = await describe(names.attempts);
    expect(attempts?.KeySchema).toEqual([
      { AttributeName: 'user_id', KeyType: 'HASH' },
      { AttributeName: 'attempt_id', KeyType: 'RANGE' },
    ]);
    expect(await ttl(names.attempts)).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires_at' });
  });
});
