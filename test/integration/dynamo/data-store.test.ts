import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDataStore } from '../../../functions/adapters/dynamo/data-store';
import { DynamoLeaseStore } from '../../../functions/adapters/dynamo/lease-store';
import { InvalidCursorError, type GarminObject, type StoredActivity } from '../../../functions/core/shared/ports';
import { createTestTables, scanAll, type TestTables } from './tables';

let tables: TestTables;
let store: DynamoDataStore;

beforeAll(async () => {
  tables = await createTestTables();
  store = new DynamoDataStore(tables.doc, tables.names.data);
});

/** Shaped like Garmin's activity search results: numeric id, local and GMT start times, nested and null fields. */
const activity = (id: number, startTimeLocal: string, overrides: GarminObject = {}): GarminObject => ({
  activityId: id,
  activityName: `Run ${id}`,
  startTimeLocal,
  startTimeGMT: startTimeLocal,
  activityType: { typeId: 1, typeKey: 'running' },
  distance: 5012.3,
  duration: 1800.5,
  averageHR: null,
  splitSummaries: [{ splitType: 'INTERVAL_ACTIVE', noOfSplits: 5 }],
  ...overrides,
});

/** Every query page after page, following the cursors. */
const allPages = async (userId: string, query: { from?: string; to?: string; limit: number }) => {
  const pages: StoredActivity[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.queryActivities(userId, { ...query, cursor });
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return pages;
};

describe('DynamoDataStore activities', () => {
  it('writes a batch once: the same batch again writes nothing, one changed field writes one item', async () => {
    const userId = 'idempotent-user';
    const batch = Array.from({ length: 30 }, (_, i) => activity(1000 + i, `2026-02-${String(1 + (i % 28)).padStart(2, '0')} 07:00:00`));

    expect(await store.upsertActivities(userId, batch)).toBe(30);
    expect(await store.upsertActivities(userId, batch)).toBe(0);
    // Key order is not content: Garmin serialising fields differently is no change.
    const reordered = batch.map((item) => Object.fromEntries(Object.entries(item).reverse()));
    expect(await store.upsertActivities(userId, reordered)).toBe(0);

    const changed = batch.map((item, i) => (i === 7 ? { ...item, activityName: 'Renamed in Garmin Connect' } : item));
    expect(await store.upsertActivities(userId, changed)).toBe(1);
    expect(await store.upsertActivities(userId, changed)).toBe(0);

    const { items } = await store.queryActivities(userId, { limit: 100 });
    expect(items).toHaveLength(30);
    expect(items.find((item) => item.activityId === '1007')?.activity.activityName).toBe('Renamed in Garmin Connect');
  });

  it('stores the Garmin object exactly as given and keys it by the id as a string', async () => {
    const userId = 'raw-user';
    const raw = activity(98765432101, '2026-01-15 18:30:00', { startTimeGMT: '2026-01-15 17:30:00', emptyText: '', zero: 0 });
    await store.upsertActivities(userId, [raw]);

    expect((await store.queryActivities(userId, { limit: 10 })).items).toEqual([
      { activityId: '98765432101', startTimeLocal: '2026-01-15 18:30:00', startTimeGmt: '2026-01-15 17:30:00', activity: raw },
    ]);
  });

  it('counts a duplicated id in one batch once, and rejects a batch with an activity it cannot key', async () => {
    const userId = 'odd-batch-user';
    expect(
      await store.upsertActivities(userId, [activity(1, '2026-01-01 07:00:00'), activity(1, '2026-01-01 07:00:00', { distance: 1 })]),
    ).toBe(1);
    await expect(store.upsertActivities(userId, [activity(2, '2026-01-02 07:00:00'), { activityName: 'no id' }])).rejects.toThrow(
      /activity 1 of the batch cannot be keyed/,
    );
    expect((await store.queryActivities(userId, { limit: 10 })).items.map((item) => item.activityId)).toEqual(['1']);
  });

  it('lists newest first, within local dates inclusive, page by page until the last page has no cursor', async () => {
    const userId = 'paging-user';
    // Three a day from 2026-03-01 to 2026-03-10; two start in the same second on 03-05.
    const activities = Array.from({ length: 30 }, (_, i) => {
      const day = String(1 + Math.floor(i / 3)).padStart(2, '0');
      const time = i === 13 ? '12:00:00' : `${String(6 + (i % 3) * 6).padStart(2, '0')}:00:00`;
      return activity(5000 + i, `2026-03-${day} ${time}`);
    });
    await store.upsertActivities(userId, activities);
    const expected = (from: string, to: string) =>
      activities
        .filter((item) => String(item.startTimeLocal).slice(0, 10) >= from && String(item.startTimeLocal).slice(0, 10) <= to)
        .map((item) => `${String(item.startTimeLocal)}#${String(item.activityId)}`)
        .sort()
        .reverse();

    const pages = await allPages(userId, { from: '2026-03-03', to: '2026-03-07', limit: 4 });
    expect(pages.map((page) => page.length)).toEqual([4, 4, 4, 3]);
    expect(pages.flat().map((item) => `${item.startTimeLocal}#${item.activityId}`)).toEqual(expected('2026-03-03', '2026-03-07'));

    // An exact fit ends without an empty extra page.
    expect((await allPages(userId, { from: '2026-03-01', to: '2026-03-02', limit: 3 })).map((page) => page.length)).toEqual([3, 3]);
    // Open-ended ranges.
    expect((await allPages(userId, { from: '2026-03-09', limit: 10 })).flat()).toHaveLength(6);
    expect((await allPages(userId, { to: '2026-03-01', limit: 10 })).flat()).toHaveLength(3);
    expect((await allPages(userId, { limit: 7 })).flat()).toHaveLength(30);
    // Empty and inverted ranges.
    expect(await store.queryActivities(userId, { from: '2026-04-01', to: '2026-04-30', limit: 5 })).toEqual({ items: [] });
    expect(await store.queryActivities(userId, { from: '2026-03-07', to: '2026-03-03', limit: 5 })).toEqual({ items: [] });
  });

  it("rejects another user's cursor, another query's cursor and a forged cursor", async () => {
    const activities = Array.from({ length: 6 }, (_, i) => activity(7000 + i, `2026-05-0${1 + i} 08:00:00`));
    await store.upsertActivities('cursor-owner', activities);
    await store.upsertActivities('cursor-thief', activities);
    const query = { from: '2026-05-01', to: '2026-05-06', limit: 2 };
    const { nextCursor } = await store.queryActivities('cursor-owner', query);
    expect(nextCursor).toBeDefined();
    const cursor = nextCursor as string;

    await expect(store.queryActivities('cursor-thief', { ...query, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(store.queryActivities('cursor-owner', { ...query, from: '2026-05-02', cursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );

    const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
    const forgeries = [
      `${cursor.slice(0, -2)}${cursor.endsWith('A') ? 'B' : 'A'}A`,
      'not-a-cursor',
      '',
      Buffer.from(decoded.replace('2026-05-05', '2027-01-01')).toString('base64url'),
      Buffer.from(JSON.stringify({ user_id: 'cursor-thief', sk: 'ACT#7000' })).toString('base64url'),
    ];
    for (const forged of forgeries) {
      await expect(store.queryActivities('cursor-owner', { ...query, cursor: forged })).rejects.toBeInstanceOf(InvalidCursorError);
    }

    // The genuine cursor still works for its owner and query.
    expect((await store.queryActivities('cursor-owner', { ...query, cursor })).items.map((item) => item.activityId)).toEqual([
      '7003',
      '7002',
    ]);
  });
});

describe('DynamoDataStore daily summaries and profile', () => {
  const summary = (date: string, steps: number) => ({ calendarDate: date, totalSteps: steps, restingHeartRate: 52 });

  it('never rewrites an unchanged summary and never replaces a final one with a provisional one', async () => {
    const userId = 'summary-user';
    const upsert = (steps: number, final: boolean) =>
      store.upsertDailySummaries(userId, [{ date: '2026-03-01', summary: summary('2026-03-01', steps), final }]);

    expect(await upsert(4000, false)).toBe(1);
    expect(await upsert(4000, false)).toBe(0);
    expect(await upsert(9000, false)).toBe(1);
    // The day ends with the same numbers: only the flag changes, which is a write.
    expect(await upsert(9000, true)).toBe(1);
    expect(await upsert(9000, true)).toBe(0);
    expect(await upsert(100, false)).toBe(0);
    expect(await store.queryDailySummaries(userId, '2026-03-01', '2026-03-01')).toEqual([
      { date: '2026-03-01', final: true, summary: summary('2026-03-01', 9000) },
    ]);
    // A final summary corrected by Garmin is stored.
    expect(await upsert(9100, true)).toBe(1);
  });

  it('lists summaries of a date range in ascending order, across pages', async () => {
    const userId = 'range-user';
    const dates = Array.from({ length: 120 }, (_, i) => new Date(Date.UTC(2025, 10, 1 + i)).toISOString().slice(0, 10));
    // Big summaries, so the range spans several 1 MB query pages.
    const padding = 'x'.repeat(20_000);
    await store.upsertDailySummaries(
      userId,
      dates.map((date) => ({ date, summary: { ...summary(date, 1), padding }, final: true })),
    );

    const all = await store.queryDailySummaries(userId, '2025-11-01', '2026-02-28');
    expect(all.map((item) => item.date)).toEqual(dates);
    expect((await store.queryDailySummaries(userId, '2025-12-30', '2026-01-02')).map((item) => item.date)).toEqual([
      '2025-12-30',
      '2025-12-31',
      '2026-01-01',
      '2026-01-02',
    ]);
    expect(await store.queryDailySummaries(userId, '2026-01-02', '2025-12-30')).toEqual([]);
  });

  it('stores and returns the profile with the time it was fetched', async () => {
    const userId = 'profile-user';
    expect(await store.getProfile(userId)).toBeUndefined();
    const profile = { basics: { displayName: 'runner', fullName: null }, userSettings: { measurementSystem: 'metric' } };
    await store.putProfile(userId, profile, new Date('2026-03-01T10:00:00Z'));
    expect(await store.getProfile(userId)).toEqual({ profile, fetchedAt: '2026-03-01T10:00:00.000Z' });
  });
});

describe('DynamoDataStore.deleteAllForUser', () => {
  it("removes everything synced in the user's partition, leaves a held lease to its holder, and touches nobody else", async () => {
    const seed = async (userId: string) => {
      await store.upsertActivities(
        userId,
        Array.from({ length: 40 }, (_, i) => activity(9000 + i, `2026-06-${String(1 + (i % 30)).padStart(2, '0')} 09:00:00`)),
      );
      await store.upsertDailySummaries(userId, [
        { date: '2026-06-01', summary: { totalSteps: 1 }, final: true },
        { date: '2026-06-02', summary: { totalSteps: 2 }, final: false },
      ]);
      await store.putProfile(userId, { displayName: userId }, new Date());
      await new DynamoLeaseStore(tables.doc, tables.names.data).acquire(userId, 'worker-1', 360, new Date());
    };
    await seed('leaving-user');
    await seed('staying-user');
    const before = await scanAll(tables.doc, tables.names.data);
    const stayingBefore = before.filter((item) => item.user_id === 'staying-user');
    expect(stayingBefore).toHaveLength(40 + 2 + 1 + 1);

    expect(await store.deleteAllForUser('leaving-user')).toBe(43);

    const after = await scanAll(tables.doc, tables.names.data);
    expect(after.filter((item) => item.user_id === 'leaving-user')).toEqual([expect.objectContaining({ sk: 'LEASE', owner: 'worker-1' })]);
    expect(after.filter((item) => item.user_id === 'staying-user')).toEqual(stayingBefore);
    expect(after).toHaveLength(before.length - 43);
  });
});
