import { GetCommand, PutCommand } from '../../../functions/adapters/dynamo/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoConnectionStore } from '../../../functions/adapters/dynamo/connection-store';
import { DynamoScheduleStore, dueShardOf, scheduleKey } from '../../../functions/adapters/dynamo/schedule-store';
import { VersionConflictError, type ConnectionRecord } from '../../../functions/core/shared/ports';
import { createTestTables, type TestTables } from './tables';

let tables: TestTables;
let store: DynamoConnectionStore;
let schedules: DynamoScheduleStore;

beforeAll(async () => {
  tables = await createTestTables();
  store = new DynamoConnectionStore(tables.doc, tables.names.connections, tables.names.attempts);
  schedules = new DynamoScheduleStore(tables.doc, tables.names.connections);
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
const rawSchedule = async (userId: string) =>
  (await tables.doc.send(new GetCommand({ TableName: tables.names.connections, Key: scheduleKey(userId), ConsistentRead: true }))).Item;

describe('DynamoConnectionStore', () => {
  it('stores the seed attributes in snake_case, the schedule in the schedule item, and reads the record back', async () => {
    const userId = newUserId();
    await store.put(record(userId, { cursors: { backfillFrom: '2025-12-01', backfillDone: false, probedAt: '2026-03-01T09:30:00.000Z' } }));

    // Records from before generations read as generation 0.
    expect(await store.get(userId)).toEqual({
      ...record(userId, { cursors: { backfillFrom: '2025-12-01', backfillDone: false, probedAt: '2026-03-01T09:30:00.000Z' } }),
      lastError: undefined,
      generation: 0,
    });
    const item = await rawItem(userId);
    expect(item).toMatchObject({
      user_id: userId,
      username: 'runner@example.com',
      password: 'v1:ciphertext-password',
      is_active: true,
      cursors: { backfillFrom: '2025-12-01', backfillDone: false },
      version: 1,
    });
    expect(item).not.toHaveProperty('next_sync_time');
    expect(item).not.toHaveProperty('due_shard');
    expect(item?.cursors).not.toHaveProperty('probedAt');
    expect(await rawSchedule(userId)).toEqual({
      ...scheduleKey(userId),
      due_at: '2026-03-01T10:00:00.000Z',
      next_sync_time: '2026-03-01T10:00:00.000Z',
      due_shard: dueShardOf(userId),
      probed_at: '2026-03-01T09:30:00.000Z',
    });
    expect(await store.get(newUserId())).toBeUndefined();
  });

  it('writes every field under the attribute items have always had, and reads it back', async () => {
    const userId = newUserId();
    const full = record(userId, {
      dataTypes: ['activities', 'weight'],
      lastError: { code: 'UPSTREAM_UNAVAILABLE', message: 'Garmin answered 503', at: '2026-03-01T09:59:00.000Z' },
      consecutiveFailures: 2,
      generation: 5,
    });
    await store.put(full);

    expect(await rawItem(userId)).toEqual({
      user_id: userId,
      username: 'runner@example.com',
      password: 'v1:ciphertext-password',
      tokens: 'v1:ciphertext-tokens',
      is_active: true,
      status: 'active',
      display_name: 'runner',
      time_zone: 'Europe/Berlin',
      data_types: ['activities', 'weight'],
      last_error: { code: 'UPSTREAM_UNAVAILABLE', message: 'Garmin answered 503', at: '2026-03-01T09:59:00.000Z' },
      consecutive_failures: 2,
      cursors: { backfillFrom: '2025-12-01', backfillDone: false },
      created_at: '2026-03-01T09:00:00.000Z',
      generation: 5,
      version: 1,
    });
    expect(await store.get(userId)).toEqual(full);
  });

  it('reads a connection an older version wrote, its schedule on the connection item, until the schedule item has its own', async () => {
    const userId = newUserId();
    await tables.doc.send(
      new PutCommand({
        TableName: tables.names.connections,
        Item: {
          user_id: userId,
          username: 'runner@example.com',
          tokens: 'v1:ciphertext-tokens',
          is_active: true,
          status: 'active',
          last_sync_time: '2026-03-01T09:45:00.000Z',
          next_sync_time: '2026-03-01T10:00:00.000Z',
          due_shard: dueShardOf(userId),
          consecutive_failures: 0,
          cursors: { probedAt: '2026-03-01T09:45:00.000Z' },
          created_at: '2026-03-01T09:00:00.000Z',
          version: 4,
        },
      }),
    );
    expect(await store.get(userId)).toMatchObject({
      lastSyncTime: '2026-03-01T09:45:00.000Z',
      nextSyncTime: '2026-03-01T10:00:00.000Z',
      cursors: { probedAt: '2026-03-01T09:45:00.000Z' },
    });
    const owner = 'manual';
    await schedules.acquire(userId, owner, '2026-03-01T10:06:00.000Z', new Date('2026-03-01T10:00:00.000Z'));
    // Read together: the connection and its schedule record with the lease.
    const both = await store.getWithSchedule(userId);
    expect(both.connection).toMatchObject({ userId, nextSyncTime: '2026-03-01T10:00:00.000Z' });
    expect(both.schedule).toMatchObject({ userId, lease: { owner, until: '2026-03-01T10:06:00.000Z' } });
    expect(await store.getWithSchedule(newUserId())).toEqual({});
    await schedules.end(userId, owner, { lastSyncTime: '2026-03-01T10:01:00.000Z', probedAt: '2026-03-01T10:01:00.000Z', nextSyncTime: '2026-03-01T10:16:00.000Z' });
    expect(await store.get(userId)).toMatchObject({
      lastSyncTime: '2026-03-01T10:01:00.000Z',
      nextSyncTime: '2026-03-01T10:16:00.000Z',
      cursors: { probedAt: '2026-03-01T10:01:00.000Z' },
    });
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
    const held = await store.update(userId, 1, { status: 'backing_off' });

    await store.put(record(userId, { password: undefined, displayName: undefined, tokens: 'v1:new-tokens', nextSyncTime: undefined }));

    const replaced = await store.get(userId);
    expect(replaced).toMatchObject({ tokens: 'v1:new-tokens', version: 3 });
    expect(replaced?.password).toBeUndefined();
    expect(replaced?.displayName).toBeUndefined();
    expect(replaced?.status).toBe('active');
    // Unscheduled by the put: out of the index.
    expect(replaced?.nextSyncTime).toBeUndefined();
    expect(await rawSchedule(userId)).not.toHaveProperty('due_shard');
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

  it('deletes a connection and says whether there was one; its schedule is unscheduled, its fetch log kept', async () => {
    const userId = newUserId();
    await store.put(record(userId));
    const now = new Date('2026-03-01T10:00:00.000Z');
    await schedules.acquire(userId, 'sync', '2026-03-01T10:06:00.000Z', now);
    await schedules.end(userId, 'sync', { fetches: [now.getTime()] });
    await schedules.acquire(userId, 'running-sync', '2026-03-01T10:07:00.000Z', now);

    expect(await store.delete(userId)).toBe(true);
    expect(await store.get(userId)).toBeUndefined();
    // The sync that was running keeps its lease (nobody syncs a new connection before it ended) …
    expect(await schedules.acquire(userId, 'new-connection', '2026-03-01T10:08:00.000Z', now)).toBeUndefined();
    // … and its end releases it without rescheduling anybody, its fetch counted.
    const fetches = [now.getTime(), now.getTime() + 1000];
    expect(await schedules.end(userId, 'running-sync', { nextSyncTime: '2026-03-01T10:15:00.000Z', fetches })).toBe(false);
    expect(await rawSchedule(userId)).toEqual({ ...scheduleKey(userId), fetches, disconnected: true });
    expect(await store.delete(userId)).toBe(false);
    // Connected again: scheduled, and syncs reschedule it.
    await store.put(record(userId));
    expect(await rawSchedule(userId)).toEqual({
      ...scheduleKey(userId),
      fetches,
      due_at: '2026-03-01T10:00:00.000Z',
      next_sync_time: '2026-03-01T10:00:00.000Z',
      due_shard: dueShardOf(userId),
    });
  });
});
