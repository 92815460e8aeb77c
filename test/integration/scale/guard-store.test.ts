/** The service-wide Garmin budget and breaker state on DynamoDB Local: atomic under concurrency. */
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoGarminGuardStore } from '../../../functions/adapters/dynamo/garmin-guard-store';
import { createTestTables, scanAll, type TestTables } from '../dynamo/tables';

let tables: TestTables;
let store: DynamoGarminGuardStore;
beforeAll(async () => {
  tables = await createTestTables();
  store = new DynamoGarminGuardStore(tables.doc, tables.names.data);
});

let minute = Date.parse('2026-11-23T12:00:00Z');
/** Each test its own minute window. */
const nextWindow = () => new Date((minute += 60_000));

describe('the per-minute Garmin budget', () => {
  it('never grants more than the limit, however many reserve at once', async () => {
    const window = nextWindow();
    const granted = await Promise.all(Array.from({ length: 60 }, (_, i) => store.reserve(window, (i % 5) + 1, 100)));
    const total = granted.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(100);
    // All or nothing: each grant is what was asked for, or 0.
    granted.forEach((g, i) => expect([0, (i % 5) + 1]).toContain(g));
    expect(await store.used(window)).toBe(total);
    // Asked for 180 in all: the window fills up to (nearly) the limit.
    expect(total).toBeGreaterThan(95);
  });

  it('grants the rest of a window when partial grants are allowed, exactly up to the limit', async () => {
    const window = nextWindow();
    const granted = await Promise.all(Array.from({ length: 30 }, () => store.reserve(window, 7, 100, { partial: true })));
    expect(granted.reduce((a, b) => a + b, 0)).toBe(100);
    expect(await store.used(window)).toBe(100);
    expect(await store.reserve(window, 1, 100, { partial: true })).toBe(0);
  });

  it('takes back unused requests and counts usage that already happened', async () => {
    const window = nextWindow();
    expect(await store.reserve(window, 30, 30)).toBe(30);
    await store.charge(window, -12);
    expect(await store.reserve(window, 12, 30)).toBe(12);
    await store.charge(window, 5);
    expect(await store.used(window)).toBe(35);
    expect(await store.reserve(window, 1, 30)).toBe(0);
  });

  it('keeps its items in the __system__ partition with a TTL', async () => {
    const window = nextWindow();
    await store.reserve(window, 3, 10);
    const items = (await scanAll(tables.doc, tables.names.data)).filter((i) => i.sk === `BUDGET#${window.toISOString()}`);
    expect(items).toEqual([expect.objectContaining({ user_id: '__system__', used: 3, expires_at: expect.any(Number) })]);
    expect(items[0]?.expires_at).toBeGreaterThan(window.getTime() / 1000);
  });
});

describe('the circuit breaker state', () => {
  it('counts distinct rate-limited users over the current and the previous bucket', async () => {
    const previous = nextWindow();
    const current = nextWindow();
    const expires = new Date(current.getTime() + 600_000);
    expect(await store.reportRateLimited('a', previous, [previous], expires)).toBe(1);
    expect(await store.reportRateLimited('b', current, [current, previous], expires)).toBe(2);
    expect(await store.reportRateLimited('b', current, [current, previous], expires)).toBe(2);
    const counts = await Promise.all(['c', 'd', 'e', 'f'].map((u) => store.reportRateLimited(u, current, [current, previous], expires)));
    expect(Math.max(...counts)).toBe(6);
  });

  it('is written only by the writer that read the current version', async () => {
    const record = { openedAt: '2026-11-23T12:00:00.000Z', reopenAt: '2026-11-23T12:05:00.000Z', trips: 1, version: 1 };
    const expires = new Date('2026-11-24T00:00:00Z');
    const first = await Promise.all([store.writeBreaker(record, undefined, expires), store.writeBreaker(record, undefined, expires)]);
    expect(first.filter(Boolean)).toHaveLength(1);
    expect(await store.readBreaker()).toEqual(record);
    const next = { ...record, trips: 2, version: 2 };
    expect(await store.writeBreaker(next, 0, expires)).toBe(false);
    expect(await store.writeBreaker(next, 1, expires)).toBe(true);
    expect(await store.readBreaker()).toEqual(next);
  });
});
