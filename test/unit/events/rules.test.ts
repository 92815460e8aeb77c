import { describe, expect, it } from 'vitest';
import { EVENT_LIMITS, NO_DATA_CHANGES, connectionEvents, dataChangedEvents } from '../../../functions/core/events/rules';
import type { ConnectionRecord } from '../../../functions/core/shared/ports';
import { connectionRecord } from '../../support/fakes/records';

const NOW = new Date('2025-03-01T12:00:00.000Z');
const DAY = 86_400_000;

const connection = (changes: Partial<ConnectionRecord> = {}): ConnectionRecord =>
  connectionRecord({ cursors: { tokensRefreshedAt: new Date(NOW.getTime() - DAY).toISOString() }, createdAt: '2025-01-01T00:00:00.000Z', ...changes });

const types = (before: ConnectionRecord, after: ConnectionRecord, now = NOW) => connectionEvents(before, after, now).map((e) => e.type);

describe('connection events fire on transitions only', () => {
  it('needs_reauth carries the reason; a connection already needing it announces nothing', () => {
    const after = connection({ status: 'needs_reauth', isActive: false, lastError: { code: 'TOKEN_REJECTED', message: 'x', at: NOW.toISOString() } });
    expect(connectionEvents(connection(), after, NOW)).toEqual([{ type: 'connection.needs_reauth', data: { reason: 'TOKEN_REJECTED' } }]);
    expect(types(after, after)).toEqual([]);
  });

  it('blocked once when a re-login meets the login gate, with when it ends', () => {
    const blocked = connection({ status: 'backing_off', nextSyncTime: '2025-03-01T12:30:00.000Z', lastError: { code: 'LOGIN_BLOCKED', message: 'x', at: NOW.toISOString() } });
    expect(connectionEvents(connection(), blocked, NOW)).toEqual([{ type: 'connection.blocked', data: { retryAt: '2025-03-01T12:30:00.000Z' } }]);
    expect(types(blocked, { ...blocked, version: 2 })).toEqual([]);
  });

  it('sync.failing when the N-th failure in a row happens, sync.recovered at the next success', () => {
    const n = EVENT_LIMITS.syncFailingAfter;
    const failing = connection({ consecutiveFailures: n, status: 'backing_off', lastError: { code: 'UPSTREAM_UNAVAILABLE', message: 'x', at: NOW.toISOString() } });
    expect(types(connection({ consecutiveFailures: n - 2 }), connection({ consecutiveFailures: n - 1 }))).toEqual([]);
    expect(connectionEvents(connection({ consecutiveFailures: n - 1 }), failing, NOW)).toEqual([
      { type: 'sync.failing', data: { consecutiveFailures: n, errorCode: 'UPSTREAM_UNAVAILABLE' } },
    ]);
    expect(types(failing, { ...failing, consecutiveFailures: n + 1 })).toEqual([]);
    expect(connectionEvents(failing, connection(), NOW)).toEqual([{ type: 'sync.recovered', data: { failuresBefore: n } }]);
    expect(types(connection({ consecutiveFailures: n - 1 }), connection())).toEqual([]);
  });

  it('backfill.completed when the cursor flips', () => {
    const cursors = { ...connection().cursors, backfillFrom: '2024-12-01' };
    const before = connection({ cursors });
    const after = connection({ cursors: { ...cursors, backfillDone: true } });
    expect(connectionEvents(before, after, NOW)).toEqual([{ type: 'backfill.completed', data: { from: '2024-12-01' } }]);
    expect(types(after, after)).toEqual([]);
  });

  it('tokens_expiring once per issued token, at the first sync past the threshold, with the expiry', () => {
    const issued = new Date(NOW.getTime() - EVENT_LIMITS.tokensWarnAfterSeconds * 1000 + 3600_000).toISOString();
    const tokens = { cursors: { tokensRefreshedAt: issued } };
    const earlier = connection({ ...tokens, lastSyncTime: new Date(NOW.getTime() - 2 * 3600_000).toISOString() });
    const later = new Date(NOW.getTime() + 2 * 3600_000);
    // Not yet past the threshold.
    expect(types(earlier, { ...earlier, lastSyncTime: NOW.toISOString() }, NOW)).toEqual([]);
    // The first sync past it.
    const previous = { ...earlier, lastSyncTime: NOW.toISOString() };
    expect(connectionEvents(previous, { ...previous, lastSyncTime: later.toISOString() }, later)).toEqual([
      {
        type: 'connection.tokens_expiring',
        data: { refreshedAt: issued, expiresAt: new Date(Date.parse(issued) + EVENT_LIMITS.refreshTokenLifetimeSeconds * 1000).toISOString() },
      },
    ]);
    // The next sync after that one says nothing more.
    const announced = { ...previous, lastSyncTime: later.toISOString() };
    const evenLater = new Date(later.getTime() + 3600_000);
    expect(types(announced, { ...announced, lastSyncTime: evenLater.toISOString() }, evenLater)).toEqual([]);
    // A sync that refreshed the tokens (a new token) says nothing either.
    expect(types(previous, { ...previous, cursors: { tokensRefreshedAt: later.toISOString() } }, later)).toEqual([]);
  });
});

describe('data.changed', () => {
  it('is split so that no event holds more than the maximum, every id exactly once, in order', () => {
    const added = Array.from({ length: 7 }, (_, i) => String(100 + i));
    const events = dataChangedEvents(
      {
        activities: { added, updated: ['1'], deleted: ['2', '3'] },
        days: { added: ['2025-01-01'], updated: ['2025-01-02'] },
        wellness: { weight: ['2025-01-03'], hydration: ['2025-01-04'], sleep: ['2025-01-05'] },
      },
      4,
    );
    expect(events).toHaveLength(4);
    const all = events.flatMap((e) => {
      const d = e.data as { activities: Record<string, string[]>; days: Record<string, string[]>; wellness: Record<string, string[]> };
      const ids = [
        ...d.activities.added!,
        ...d.activities.updated!,
        ...d.activities.deleted!,
        ...d.days.added!,
        ...d.days.updated!,
        ...d.wellness.weight!,
        ...d.wellness.hydration!,
        ...d.wellness.sleep!,
      ];
      expect(ids.length).toBeLessThanOrEqual(4);
      return ids;
    });
    expect(all).toEqual([...added, '1', '2', '3', '2025-01-01', '2025-01-02', '2025-01-03', '2025-01-04', '2025-01-05']);
  });

  it('nothing changed: no event', () => {
    expect(dataChangedEvents(NO_DATA_CHANGES)).toEqual([]);
  });
});
