import { describe, expect, it } from 'vitest';
import type { FetchResult } from '../../../../functions/core/shared/bridge-protocol';
import { LIMITS } from '../../../../functions/core/shared/limits';
import type { ConnectionRecord } from '../../../../functions/core/shared/ports';
import { applyFetchResult, planFetch, reconcileFrom } from '../../../../functions/core/sync/sync-plan';
import { connectionRecord } from '../../../support/fakes/records';

/** A day Garmin holds completely: wellness data, totals, and a device upload after the day ended. */
const DAY = { includesWellnessData: true, totalKilocalories: 2100, lastSyncTimestampGMT: '2026-11-30T06:00:00.0' };

const NOW = new Date('2026-11-23T20:00:00Z'); // 21:00 in Berlin

const connection = (overrides: Partial<ConnectionRecord> = {}): ConnectionRecord => connectionRecord({ createdAt: NOW.toISOString(), ...overrides });

const freshProfile = { profile: {}, fetchedAt: NOW.toISOString() };

describe('planFetch', () => {
  it('backfills from the configured depth on the first sync and asks for the profile', () => {
    const plan = planFetch(connection({ timeZone: 'Europe/Berlin' }), undefined, NOW);
    expect(plan.activities?.startDate).toBe('2026-08-25');
    expect(plan.profile).toBe(true);
    expect(plan.dailySummaries?.dates[0]).toBe('2026-08-25');
    expect(plan.dailySummaries?.dates).toHaveLength(LIMITS.summaryDatesPerSync);
  });

  it('backfills from an injected depth instead of LIMITS.backfillDays', () => {
    const plan = planFetch(connection({ timeZone: 'Europe/Berlin' }), undefined, NOW, 'backfill', undefined, 365);
    expect(plan.activities?.startDate).toBe('2025-11-23');
    expect(plan.dailySummaries?.dates[0]).toBe('2025-11-23');
  });

  it('asks only for what is new once cursors exist', () => {
    const plan = planFetch(
      connection({
        timeZone: 'Europe/Berlin',
        displayName: 'athlete-42',
        cursors: { activitiesNewestLocal: '2026-11-23 07:30:00', summariesFinalThrough: '2026-11-21', backfillDone: true },
      }),
      freshProfile,
      NOW,
    );
    expect(plan).toEqual({
      displayName: 'athlete-42',
      activities: { startDate: '2026-11-22' },
      dailySummaries: { dates: ['2026-11-22', '2026-11-23'], types: ['hydration', 'sleep'] },
      // Weight, hydration and sleep ride on the same days (sync/wellness-days.ts).
      weight: { startDate: '2026-11-22', endDate: '2026-11-23' },
      profile: false,
    });
  });

  it('reaches the earliest zone\'s today while the user\'s zone is unknown', () => {
    const plan = planFetch(connection({ cursors: { summariesFinalThrough: '2026-11-22' } }), freshProfile, NOW);
    expect(plan.dailySummaries?.dates).toEqual(['2026-11-23', '2026-11-24']);
  });
});

describe('applyFetchResult', () => {
  const plan = { activities: { startDate: '2026-11-20' }, dailySummaries: { dates: ['2026-11-21', '2026-11-22', '2026-11-23'] } };

  it('moves cursors only over what was fetched, and final days only while consecutive', () => {
    const partial: FetchResult = {
      displayName: 'athlete-42',
      activities: { items: [{ startTimeLocal: '2026-11-20 08:00:00' }, { startTimeLocal: '2026-11-21 18:00:00' }], complete: false, pages: 1 },
      dailySummaries: { items: [{ date: '2026-11-21', summary: DAY }] },
    };
    const applied = applyFetchResult(connection({ timeZone: 'Europe/Berlin' }), plan, partial, 'Europe/Berlin', NOW);
    expect(applied.cursors).toEqual({
      activitiesNewestLocal: '2026-11-21 18:00:00',
      summariesFinalThrough: '2026-11-21',
      backfillFrom: '2026-11-20',
      backfillDone: false,
    });
    expect(applied.summaries).toEqual([{ date: '2026-11-21', summary: DAY, final: true }]);
  });

  it('keeps today and a just-ended yesterday provisional, and marks the backfill done when caught up', () => {
    const full: FetchResult = {
      displayName: 'athlete-42',
      activities: { items: [], complete: true, pages: 1 },
      dailySummaries: { items: plan.dailySummaries.dates.map((date) => ({ date, summary: DAY })) },
    };
    const early = new Date('2026-11-23T06:00:00Z'); // 07:00 in Berlin: yesterday ended 7 h ago
    const applied = applyFetchResult(
      connection({ timeZone: 'Europe/Berlin', cursors: { activitiesNewestLocal: '2026-11-22 10:00:00' } }),
      plan,
      full,
      'Europe/Berlin',
      early,
    );
    expect(applied.summaries.map((s) => s.final)).toEqual([true, false, false]);
    expect(applied.cursors.summariesFinalThrough).toBe('2026-11-21');
    expect(applied.cursors.activitiesNewestLocal).toBe('2026-11-22 10:00:00');
    expect(applied.cursors.backfillDone).toBe(true);
  });
});

describe('days Garmin had nothing to show for', () => {
  it('are stored as nothing, hold the final-through cursor, and are re-read later', () => {
    const plan = { dailySummaries: { dates: ['2026-11-20', '2026-11-21', '2026-11-22'] } };
    const result: FetchResult = {
      displayName: 'athlete-42',
      dailySummaries: {
        items: [
          { date: '2026-11-20', summary: DAY },
          { date: '2026-11-21', unavailable: 'privacy_protected' },
          { date: '2026-11-22', summary: DAY },
        ],
      },
    };
    const applied = applyFetchResult(connection({ timeZone: 'Europe/Berlin', cursors: { summariesFinalThrough: '2026-11-19' } }), plan, result, 'Europe/Berlin', NOW);
    expect(applied.summaries.map((s) => s.date)).toEqual(['2026-11-20', '2026-11-22']);
    expect(applied.cursors.summariesFinalThrough).toBe('2026-11-20');
    expect(applied.cursors.provisionalCheckedAt).toBe(NOW.toISOString());
    expect(applied.cursors.provisionalCheckedThrough).toBe('2026-11-22');
  });

  it('vouch only for the dates that read covered: a backfill chunk after midnight still reads yesterday next', () => {
    const afterMidnight = new Date('2026-11-23T23:30:00Z'); // 00:30 on the 24th in Berlin
    const chunk = { dailySummaries: { dates: ['2026-11-01', '2026-11-02'] } };
    const result: FetchResult = {
      displayName: 'athlete-42',
      dailySummaries: { items: [{ date: '2026-11-01', summary: DAY }, { date: '2026-11-02', unavailable: 'no_content' }] },
    };
    const first = connection({ timeZone: 'Europe/Berlin', cursors: { summariesFinalThrough: '2026-10-31', backfillFrom: '2026-08-25' } });
    const { cursors } = applyFetchResult(first, chunk, result, 'Europe/Berlin', afterMidnight);
    expect(cursors.provisionalCheckedThrough).toBe('2026-11-02');
    const next = planFetch(connection({ ...first, cursors }), freshProfile, new Date(afterMidnight.getTime() + 60_000), 'backfill');
    expect(next.dailySummaries?.dates).toContain('2026-11-23');
  });
});

describe('reconcileFrom', () => {
  const caughtUp = { backfillDone: true, activitiesNewestLocal: '2026-11-23 08:00:00' };

  it('is due once a day after the backfill, at once when forced, never during the backfill', () => {
    const berlin = { timeZone: 'Europe/Berlin' };
    expect(reconcileFrom(connection({ ...berlin, cursors: caughtUp }), NOW)).toBe('2026-10-24');
    const reconciled = { ...caughtUp, activitiesReconciledAt: new Date(NOW.getTime() - 3600_000).toISOString() };
    expect(reconcileFrom(connection({ ...berlin, cursors: reconciled }), NOW)).toBeUndefined();
    expect(reconcileFrom(connection({ ...berlin, cursors: reconciled }), NOW, true)).toBe('2026-10-24');
    expect(reconcileFrom(connection({ ...berlin, cursors: { backfillDone: false } }), NOW, true)).toBeUndefined();
  });

  it('widens the activity search to the window, and no further', () => {
    const plan = planFetch(connection({ timeZone: 'Europe/Berlin', cursors: caughtUp }), freshProfile, NOW, 'scheduled', '2026-10-24');
    expect(plan.activities?.startDate).toBe('2026-10-24');
    const incremental = planFetch(connection({ timeZone: 'Europe/Berlin', cursors: caughtUp }), freshProfile, NOW, 'scheduled');
    expect(incremental.activities?.startDate).toBe('2026-11-22');
  });
});

describe('weight, hydration and sleep in the plan', () => {
  const caughtUp = { backfillDone: true, summariesFinalThrough: '2026-11-22', activitiesNewestLocal: '2026-11-23 08:00:00' };
  const berlin = (cursors: ConnectionRecord['cursors']) => connection({ timeZone: 'Europe/Berlin', cursors });

  it('leaves them out of a sync of today alone while they were read recently', () => {
    const recently = new Date(NOW.getTime() - 600_000).toISOString();
    const plan = planFetch(berlin({ ...caughtUp, wellnessCheckedAt: recently }), freshProfile, NOW, 'scheduled');
    expect(plan.dailySummaries).toEqual({ dates: ['2026-11-23'] });
    expect(plan.weight).toBeUndefined();
  });

  it('asks for them again after LIMITS.wellnessRecheckSeconds, and always with a past day', () => {
    const longAgo = new Date(NOW.getTime() - LIMITS.wellnessRecheckSeconds * 1000).toISOString();
    const stale = planFetch(berlin({ ...caughtUp, wellnessCheckedAt: longAgo }), freshProfile, NOW, 'scheduled');
    expect(stale.dailySummaries?.types).toEqual(['hydration', 'sleep']);
    expect(stale.weight).toEqual({ startDate: '2026-11-23', endDate: '2026-11-23' });
    const recently = new Date(NOW.getTime() - 600_000).toISOString();
    const withYesterday = planFetch(berlin({ ...caughtUp, summariesFinalThrough: '2026-11-21', wellnessCheckedAt: recently }), freshProfile, NOW, 'scheduled');
    expect(withYesterday.dailySummaries?.dates).toContain('2026-11-22');
    expect(withYesterday.dailySummaries?.types).toEqual(['hydration', 'sleep']);
  });
});

describe('the data types the user chose', () => {
  const dueAgain = new Date(NOW.getTime() - LIMITS.wellnessRecheckSeconds * 1000).toISOString();
  const caughtUp = { backfillDone: true, summariesFinalThrough: '2026-11-22', activitiesNewestLocal: '2026-11-23 08:00:00', wellnessCheckedAt: dueAgain };
  const chosen = (dataTypes: ConnectionRecord['dataTypes'], cursors: ConnectionRecord['cursors'] = caughtUp) =>
    connection({ timeZone: 'Europe/Berlin', cursors, ...(dataTypes ? { dataTypes } : {}) });

  it('plans only the selected types; the summaries always', () => {
    const plan = planFetch(chosen(['dailySummaries', 'profile', 'sleep']), freshProfile, NOW, 'scheduled');
    expect(plan.activities).toBeUndefined();
    expect(plan.weight).toBeUndefined();
    expect(plan.dailySummaries).toEqual({ dates: ['2026-11-23'], types: ['sleep'] });
    const none = planFetch(chosen(['dailySummaries', 'profile']), freshProfile, NOW, 'scheduled');
    expect(none.dailySummaries).toEqual({ dates: ['2026-11-23'] });
  });

  it('plans every type without a choice', () => {
    const plan = planFetch(chosen(undefined), freshProfile, NOW, 'scheduled');
    expect(plan.activities).toBeDefined();
    expect(plan.weight).toBeDefined();
    expect(plan.dailySummaries?.types).toEqual(['hydration', 'sleep']);
  });

  it('finishes a backfill without activities when they are not synced', () => {
    const user = chosen(['dailySummaries', 'profile'], { backfillFrom: '2026-11-23' });
    const plan = planFetch(user, freshProfile, NOW, 'backfill');
    const applied = applyFetchResult(user, plan, { displayName: null, dailySummaries: { items: [{ date: '2026-11-23', summary: DAY }] } }, 'Europe/Berlin', NOW);
    expect(plan.activities).toBeUndefined();
    expect(applied.cursors.backfillDone).toBe(true);
  });
});
