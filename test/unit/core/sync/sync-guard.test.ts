import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../../functions/core/shared/limits';
import { SyncGuard } from '../../../../functions/core/sync/sync-guard';
import { budgetWindow } from '../../../../functions/core/sync/budget';
import { MemoryGuardStore } from '../../../support/fakes/guard';

const NOW = new Date('2026-11-23T12:00:30Z');
const WINDOW = budgetWindow(NOW);

describe('SyncGuard: a sync\'s admission', () => {
  it('holds every kind of sync back while the breaker is open, until it reopens', async () => {
    const store = new MemoryGuardStore();
    const reopenAt = new Date(NOW.getTime() + 120_000);
    store.breaker = { openedAt: NOW.toISOString(), reopenAt: reopenAt.toISOString(), trips: 1, version: 1 };
    const guard = new SyncGuard(store);
    for (const reason of ['scheduled', 'backfill', 'manual'] as const) {
      expect(await guard.admit({ userId: 'u', reason, dueAt: NOW.toISOString() }, 2, NOW)).toEqual({ admitted: false, reason: 'breaker_open', retryAt: reopenAt });
    }
  });

  it('admits a dispatched sync on dispatch\'s reservation, without touching the budget', async () => {
    const store = new MemoryGuardStore();
    const admission = await new SyncGuard(store).admit({ userId: 'u', reason: 'scheduled', dueAt: NOW.toISOString() }, 2, NOW);
    expect(admission).toEqual({ admitted: true, reserved: LIMITS.estimatedRequestsPerSync });
    expect(store.writes).toBe(0);
  });

  it('reserves a backfill chunk in the current minute, or sends it to the next minute', async () => {
    const store = new MemoryGuardStore();
    const guard = new SyncGuard(store, undefined, 100);
    expect(await guard.admit({ userId: 'a', reason: 'backfill' }, 60, NOW)).toEqual({ admitted: true, reserved: 60, windowStart: WINDOW });
    expect(await guard.admit({ userId: 'b', reason: 'backfill' }, 60, NOW)).toEqual({
      admitted: false,
      reason: 'budget',
      retryAt: new Date(WINDOW.getTime() + 60_000),
    });
    expect(await store.used(WINDOW)).toBe(60);
  });

  it('never holds back a manual sync for the budget, but counts what it used', async () => {
    const store = new MemoryGuardStore();
    const guard = new SyncGuard(store, undefined, 10);
    await store.charge(WINDOW, 10);
    const admission = await guard.admit({ userId: 'u', reason: 'manual' }, 5, NOW);
    expect(admission).toEqual({ admitted: true, reserved: 0 });
    await guard.settle('u', admission, 5, false, NOW);
    expect(await store.used(WINDOW)).toBe(15);
  });

  it('charges what a sync used beyond its reservation, and gives back a backfill\'s unused part', async () => {
    const store = new MemoryGuardStore();
    const guard = new SyncGuard(store);
    await guard.settle('u', { admitted: true, reserved: 3 }, 8, false, NOW);
    expect(await store.used(WINDOW)).toBe(5);
    const backfill = await guard.admit({ userId: 'v', reason: 'backfill' }, 32, NOW);
    await guard.settle('v', backfill, 20, false, NOW);
    expect(await store.used(WINDOW)).toBe(25);
    // A scheduled sync that used less than dispatch reserved is not refunded (a write per sync).
    await guard.settle('w', { admitted: true, reserved: 3 }, 2, false, NOW);
    expect(await store.used(WINDOW)).toBe(25);
  });
});

describe('SyncGuard: 429 reports', () => {
  it('trips the breaker when enough distinct users were rate-limited, not for one user again and again', async () => {
    const store = new MemoryGuardStore();
    const guard = new SyncGuard(store);
    for (let i = 0; i < 20; i++) await guard.settle('same-user', { admitted: true, reserved: 3 }, 1, true, NOW);
    expect(store.breaker).toBeUndefined();
    for (let i = 0; i < LIMITS.breakerTripUsers - 1; i++) await guard.settle(`user-${i}`, { admitted: true, reserved: 3 }, 1, true, NOW);
    expect(store.breaker).toMatchObject({ trips: 1, openedAt: NOW.toISOString() });
    expect((await guard.breaker(NOW)).state).toBe('open');
    // …and syncs are held back from now on.
    expect((await guard.admit({ userId: 'x', reason: 'scheduled', dueAt: NOW.toISOString() }, 2, NOW)).admitted).toBe(false);
  });

  it('reads the breaker once per few seconds, not once per sync', async () => {
    const store = new MemoryGuardStore();
    let reads = 0;
    const read = store.readBreaker.bind(store);
    store.readBreaker = async () => {
      reads++;
      return read();
    };
    const guard = new SyncGuard(store);
    for (let i = 0; i < 10; i++) await guard.admit({ userId: 'u', reason: 'scheduled', dueAt: 'x' }, 2, new Date(NOW.getTime() + i * 100));
    expect(reads).toBe(1);
    await guard.admit({ userId: 'u', reason: 'scheduled', dueAt: 'x' }, 2, new Date(NOW.getTime() + 10_000));
    expect(reads).toBe(2);
  });
});

describe('SyncGuard: bookkeeping after Garmin was called', () => {
  it('never fails the sync (a retry would call Garmin again), it only counts the failure', async () => {
    const store = new MemoryGuardStore();
    store.charge = async () => {
      throw new Error('AccessDenied');
    };
    store.reportRateLimited = async () => {
      throw new Error('AccessDenied');
    };
    const guard = new SyncGuard(store);
    await expect(guard.settle('u', { admitted: true, reserved: 0 }, 5, true, NOW)).resolves.toBeUndefined();
    await expect(guard.reportRateLimited('u', NOW)).resolves.toBeUndefined();
    expect(guard.recordFailures).toBe(2);
  });
});
