import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoLeaseStore } from '../../../functions/adapters/dynamo/lease-store';
import { createTestTables, type TestTables } from './tables';

let tables: TestTables;
let leases: DynamoLeaseStore;

beforeAll(async () => {
  tables = await createTestTables();
  leases = new DynamoLeaseStore(tables.doc, tables.names.data);
});

const t0 = new Date('2026-03-01T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

describe('DynamoLeaseStore', () => {
  it('lets one owner hold a user’s lease until it releases it', async () => {
    const userId = 'lease-user';
    expect(await leases.acquire(userId, 'worker-a', 360, t0)).toBe(true);
    expect(await leases.acquire(userId, 'worker-b', 360, at(1))).toBe(false);
    // Leases are per user.
    expect(await leases.acquire('another-user', 'worker-b', 360, at(1))).toBe(true);

    // Releasing someone else's lease does nothing.
    await leases.release(userId, 'worker-b');
    expect(await leases.acquire(userId, 'worker-c', 360, at(2))).toBe(false);

    await leases.release(userId, 'worker-a');
    expect(await leases.acquire(userId, 'worker-b', 360, at(3))).toBe(true);
  });

  it('lets exactly one of many concurrent acquirers win', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => leases.acquire('contended-user', `worker-${i}`, 360, t0)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('is taken over once expired, though its item is still there, and the late owner’s release is harmless', async () => {
    const userId = 'expiring-user';
    expect(await leases.acquire(userId, 'worker-a', 60, t0)).toBe(true);
    const item = await tables.doc.send(
      new GetCommand({ TableName: tables.names.data, Key: { user_id: userId, sk: 'LEASE' }, ConsistentRead: true }),
    );
    expect(item.Item).toMatchObject({ owner: 'worker-a', expires_at: Math.floor(t0.getTime() / 1000) + 60 });

    expect(await leases.acquire(userId, 'worker-b', 60, at(60))).toBe(false);
    expect(await leases.acquire(userId, 'worker-b', 60, at(61))).toBe(true);

    await expect(leases.release(userId, 'worker-a')).resolves.toBeUndefined();
    expect(await leases.acquire(userId, 'worker-c', 60, at(62))).toBe(false);
  });
});
