/**
 * The connection store's `cursors` map: written as the record holds it (the probe's time in
 * the schedule item), and items written before that (snake_case names) still read. A fake client keeps the one item in memory.
 */
import { BatchGetCommand, TransactWriteCommand, UpdateCommand, type DocumentClient } from '../../../functions/adapters/dynamo/client';
import { describe, expect, it } from 'vitest';
import { DynamoConnectionStore } from '../../../functions/adapters/dynamo/connection-store';
import type { ConnectionRecord, SyncCursors } from '../../../functions/core/shared/ports';

const USER = 'user-1';

const itemStore = (item?: Record<string, unknown>) => {
  const written: Array<Record<string, unknown>> = [];
  const items = new Map<string, Record<string, unknown>>(item ? [[USER, item]] : []);
  // Enough of an update for these tests: every value under its attribute's name.
  const update = (input: { Key?: Record<string, unknown>; ExpressionAttributeValues?: Record<string, unknown> }) => {
    const key = String(input.Key?.user_id);
    const values = input.ExpressionAttributeValues ?? {};
    if (key === USER) written.push(values);
    const next = { user_id: key, version: 1, ...items.get(key), ...Object.fromEntries(Object.entries(values).map(([name, value]) => [name.slice(1), value])) };
    items.set(key, next);
    return next;
  };
  const send = (command: unknown) => {
    if (command instanceof BatchGetCommand) {
      const keys: Array<Record<string, unknown>> = command.input.RequestItems?.connections?.Keys ?? [];
      return Promise.resolve({ Responses: { connections: keys.flatMap((key) => items.get(String(key.user_id)) ?? []) } });
    }
    if (command instanceof UpdateCommand) return Promise.resolve({ Attributes: update(command.input) });
    if (command instanceof TransactWriteCommand) {
      for (const entry of command.input.TransactItems ?? []) if (entry.Update) update(entry.Update);
      return Promise.resolve({});
    }
    return Promise.reject(new Error('not faked'));
  };
  return { store: new DynamoConnectionStore({ send } as unknown as DocumentClient, 'connections'), written };
};

const ALL_CURSORS: Required<SyncCursors> = {
  activitiesNewestLocal: '2026-11-23 07:30:00',
  summariesFinalThrough: '2026-11-22',
  backfillFrom: '2026-08-25',
  backfillDone: true,
  activitiesCheckedAt: '2026-11-23T08:00:00.000Z',
  provisionalCheckedAt: '2026-11-23T08:00:00.000Z',
  provisionalCheckedThrough: '2026-11-22',
  profileFetchedAt: '2026-11-20T08:00:00.000Z',
  activitiesReconciledAt: '2026-11-23T06:00:00.000Z',
  wellnessCheckedAt: '2026-11-23T07:00:00.000Z',
  tokensRefreshedAt: '2026-11-21T08:00:00.000Z',
  tokensRefreshAt: '2026-11-22T07:45:00.000Z',
  deviceUploadAt: '2026-11-23T07:45:00.000Z',
  probedAt: '2026-11-23T08:00:00.000Z',
  fullSyncAt: '2026-11-23T08:00:00.000Z',
  uploadHours: Array.from({ length: 24 }, (_, hour) => (hour === 7 ? 3.5 : 0)),
  uploadsSeen: 12,
};

const record = (cursors: SyncCursors): ConnectionRecord => ({
  userId: USER,
  username: 'runner@example.com',
  tokens: 'v1:ciphertext-tokens',
  isActive: true,
  status: 'active',
  consecutiveFailures: 0,
  cursors,
  createdAt: '2026-11-01T09:00:00.000Z',
  generation: 1,
  version: 1,
});

const item = (cursors: Record<string, unknown>) => ({
  user_id: USER,
  username: 'runner@example.com',
  tokens: 'v1:ciphertext-tokens',
  is_active: true,
  status: 'active',
  consecutive_failures: 0,
  cursors,
  created_at: '2026-11-01T09:00:00.000Z',
  version: 3,
});

describe('connection cursors in DynamoDB', () => {
  it('writes every cursor under its own name and reads it back as written', async () => {
    const { store, written } = itemStore();
    await store.put(record(ALL_CURSORS));
    const { probedAt, ...connectionCursors } = ALL_CURSORS;
    expect(written[0]?.[':cursors']).toEqual(connectionCursors);
    expect(probedAt).toBeDefined();
    expect((await store.get(USER))?.cursors).toEqual(ALL_CURSORS);
  });

  it('keeps only the known cursors and refuses a map it could not read back', async () => {
    const { store, written } = itemStore();
    await store.put(record({ backfillDone: false, stray: 'x' } as SyncCursors));
    expect(written[0]?.[':cursors']).toEqual({ backfillDone: false });
    await expect(store.put(record({ uploadHours: [1, 2] }))).rejects.toThrow();
    expect(written).toHaveLength(1);
  });

  it('reads the snake_case cursors of items written before, and writes them back in the new form', async () => {
    const snake = Object.fromEntries(
      Object.entries(ALL_CURSORS).map(([name, value]) => [name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), value]),
    );
    expect(snake).toHaveProperty('provisional_checked_through', '2026-11-22');
    const { store, written } = itemStore(item(snake));
    const old = await store.get(USER);
    expect(old?.cursors).toEqual(ALL_CURSORS);

    await store.update(USER, 3, { cursors: { ...old?.cursors, fullSyncAt: '2026-11-24T08:00:00.000Z' } });
    // The probe's time is the schedule's from now on (the item's own stays readable until the schedule has one).
    const expected: SyncCursors = { ...ALL_CURSORS, fullSyncAt: '2026-11-24T08:00:00.000Z' };
    delete expected.probedAt;
    expect(written[0]?.[':cursors']).toEqual(expected);
  });
});
