import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoConnectionStore, dueShardOf } from '../../../functions/adapters/dynamo/connection-store';
import { VersionConflictError, type ConnectionRecord } from '../../../functions/core/shared/ports';
import { createTestTables, type TestTables } from './tables';

let tables: TestTables;
let store: DynamoConnectionStore;

beforeAll(async () => {
  tables = await createTestTables();
  store = new DynamoConnectionStore(tables.doc, tables.names.connections, tables.names.attempts);
});

let userCounter = 0;
const newUserId = () => `user-${++userCounter}-${Math.random().toString(36).slice(2, 8)}`;

const record = (userId: string, overrides: Partial<ConnectionRecord> = {}): ConnectionRecord => ({
  userId,
  username: 'runner@example.com',
  password: 'v1:ciphertext-password',
  tokens: 'v1:ciphertext-tokens',
  isActive: true,
  status: 'active',
  displayName: 'runner',
  timeZone: 'Europe/Berlin',
  nextSyncTime: '2026-03-01T10:00:00.000Z',
  consecutiveFailures: 0,
  cursors: { backfillFrom: '2025-12-01', backfillDone: false },
  createdAt: '2026-03-01T09:00:00.000Z',
  version: 1,
  ...overrides,
});

const rawItem = async (userId: string) =>
  (await tables.doc.send(new GetCommand({ TableName: tables.names.connections, Key: { user_id: userId }, ConsistentRead: true }))).Item;

describe('DynamoConnectionStore', () => {
  it('stores the seed attributes in snake_case and reads the record back', async () => {
    const userId = newUserId();
    await store.put(record(userId));

    // Records from before generations read as generation 0.
    expect(await store.get(userId)).toEqual({ ...record(userId), lastSyncTime: undefined, lastError: undefined, generation: 0 });
    expect(await rawItem(userId)).toMatchObject({
      user_id: userId,
      username: 'runner@example.com',
      password: 'v1:ciphertext-password',
      is_active: true,
      next_sync_time: '2026-03-01T10:00:00.000Z',
      due_shard: dueShardOf(userId),
      cursors: { backfillFrom: '2025-12-01', backfillDone: false },
      version: 1,
    });
    expect(await store.get(newUserId())).toBeUndefined();
  });

  it('writes a fenced connection only over the generation it read, and only while its attempt runs', async () => {
    const userId = newUserId();
    expect(await store.put(record(userId, { generation: 5 }), { replaces: 4 })).toBe(false);
    expect(await store.get(userId)).toBeUndefined();
    expect(await store.put(record(userId, { generation: 5 }), { replaces: undefined })).toBe(true);
    // A second writer that also read no connection lost the race.
    expect(await store.put(record(userId, { generation: 6 }), { replaces: undefined })).toBe(false);
    expect(await store.put(record(userId, { generation: 7, username: 'other@example.com' }), { replaces: 5 })).toBe(true);
    expect(await store.get(userId)).toMatchObject({ generation: 7, username: 'other@example.com' });

    const attempt = (status: string) =>
      tables.doc.send(
        new PutCommand({ TableName: tables.names.attempts, Item: { user_id: userId, attempt_id: 'a-1', status, expires_at: 4102444800 } }),
      );
    expect(await store.put(record(userId, { generation: 8 }), { replaces: 7, attemptId: 'a-1' })).toBe(false);
    await attempt('failed');
    expect(await store.put(record(userId, { generation: 8 }), { replaces: 7, attemptId: 'a-1' })).toBe(false);
    await attempt('pending');
    expect(await store.put(record(userId, { generation: 8 }), { replaces: 7, attemptId: 'a-1' })).toBe(true);
    expect((await store.get(userId))?.generation).toBe(8);
  });

  it('replaces a connection on put: absent fields removed, version still counting', async () => {
    const userId = newUserId();
    await store.put(record(userId));
    const held = await store.update(userId, 1, { lastSyncTime: '2026-03-01T10:05:00.000Z' });

    await store.put(record(userId, { password: undefined, displayName: undefined, tokens: 'v1:new-tokens' }));

    const replaced = await store.get(userId);
    expect(replaced).toMatchObject({ tokens: 'v1:new-tokens', version: 3 });
    expect(replaced?.password).toBeUndefined();
    expect(replaced?.displayName).toBeUndefined();
    expect(replaced?.lastSyncTime).toBeUndefined();
    // A sync still holding the replaced record cannot write its stale tokens over the new ones.
    await expect(store.update(userId, held.version, { tokens: 'v1:stale' })).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('updates optimistically: the expected version wins once, the second writer conflicts', async () => {
    const userId = newUserId();
    await store.put(record(userId));

    const updated = await store.update(userId, 1, {
      status: 'backing_off',
      consecutiveFailures: 1,
      lastError: { code: 'UPSTREAM_UNAVAILABLE', message: 'Garmin answered 503', at: '2026-03-01T10:00:01.000Z' },
    });
    expect(updated).toMatchObject({ status: 'backing_off', consecutiveFailures: 1, version: 2, username: 'runner@example.com' });

    await expect(store.update(userId, 1, { status: 'active' })).rejects.toBeInstanceOf(VersionConflictError);
    await expect(store.update(newUserId(), 1, { status: 'active' })).rejects.toBeInstanceOf(VersionConflictError);

    const cleared = await store.update(userId, 2, { status: 'active', lastError: undefined, consecutiveFailures: 0 });
    expect(cleared.lastError).toBeUndefined();
    expect(cleared.version).toBe(3);
    expect(await rawItem(userId)).not.toHaveProperty('last_error');
  });

  it('refuses to remove a required field or to change the key or the version', async () => {
    const userId = newUserId();
    await store.put(record(userId));
    await expect(store.update(userId, 1, { tokens: undefined })).rejects.toThrow(/tokens cannot be removed/);
    // A whole record spread into `changes` must not smuggle in the key or the version.
    const spread: Parameters<DynamoConnectionStore['update']>[2] = { ...record(userId, { version: 7 }) };
    await expect(store.update(userId, 1, spread)).rejects.toThrow(/field userId cannot be changed/);
    expect((await store.get(userId))?.version).toBe(1);
  });

  it('removes next_sync_time and due_shard when a connection is unscheduled, and restores both on rescheduling', async () => {
    const userId = newUserId();
    await store.put(record(userId));

    const unscheduled = await store.update(userId, 1, { status: 'needs_reauth', nextSyncTime: undefined });
    expect(unscheduled.nextSyncTime).toBeUndefined();
    const item = await rawItem(userId);
    expect(item).not.toHaveProperty('next_sync_time');
    expect(item).not.toHaveProperty('due_shard');
    expect(await store.findDue(dueShardOf(userId), new Date('2030-01-01T00:00:00Z'), 100)).not.toContainEqual(
      expect.objectContaining({ userId }),
    );

    // Stored canonically, so the index compares like with like.
    await store.update(userId, 2, { status: 'active', nextSyncTime: '2026-03-02T08:00:00Z' });
    expect(await rawItem(userId)).toMatchObject({ next_sync_time: '2026-03-02T08:00:00.000Z', due_shard: dueShardOf(userId) });
  });

  it('finds due connections of a shard, oldest first, and lets exactly one of two concurrent claims win', async () => {
    // Users of one shard, so they share the index partition.
    const shard = dueShardOf('anchor');
    const users: string[] = [];
    for (let i = 0; users.length < 3; i++) if (dueShardOf(`due-${i}-${userCounter}`) === shard) users.push(`due-${i}-${userCounter}`);
    const [late, early, future] = users as [string, string, string];
    await store.put(record(late, { nextSyncTime: '2026-04-01T10:30:00.000Z' }));
    await store.put(record(early, { nextSyncTime: '2026-04-01T10:00:00.000Z' }));
    await store.put(record(future, { nextSyncTime: '2026-04-01T12:00:00.000Z' }));

    const now = new Date('2026-04-01T11:00:00.000Z');
    const due = await store.findDue(shard, now, 100);
    const ours = due.filter((entry) => users.includes(entry.userId));
    expect(ours).toEqual([
      { userId: early, nextSyncTime: '2026-04-01T10:00:00.000Z' },
      { userId: late, nextSyncTime: '2026-04-01T10:30:00.000Z' },
    ]);
    expect(await store.findDue(shard, now, 1)).toHaveLength(1);

    const claims = await Promise.all([
      store.claimDue(early, '2026-04-01T10:00:00.000Z', '2026-04-01T11:15:00.000Z'),
      store.claimDue(early, '2026-04-01T10:00:00.000Z', '2026-04-01T11:16:00.000Z'),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const claimed = await store.get(early);
    expect(['2026-04-01T11:15:00.000Z', '2026-04-01T11:16:00.000Z']).toContain(claimed?.nextSyncTime);
    // A claim is a write: holders of the old version must re-read.
    expect(claimed?.version).toBe(2);
    expect((await store.findDue(shard, now, 100)).map((entry) => entry.userId)).not.toContain(early);
    expect(await store.claimDue(early, '2026-04-01T10:00:00.000Z', '2026-04-01T11:20:00.000Z')).toBe(false);
  });

  it('deletes a connection and says whether there was one', async () => {
    const userId = newUserId();
    await store.put(record(userId));
    expect(await store.delete(userId)).toBe(true);
    expect(await store.get(userId)).toBeUndefined();
    expect(await store.delete(userId)).toBe(false);
  });
});
