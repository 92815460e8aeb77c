/** What a sync asks Garmin for once caught up, and when a daily summary becomes final. */
import { describe, expect, it } from 'vitest';
import type { FetchResult } from '../../../../functions/core/shared/bridge-protocol';
import { LIMITS } from '../../../../functions/core/shared/limits';
import type { ConnectionRecord, StoredDailySummary, SyncCursors } from '../../../../functions/core/shared/ports';
import { toConnectionView } from '../../../../functions/core/connect/connection-view';
import { isSummaryFinal, sameContent } from '../../../../functions/core/sync/summary-finality';
import { applyFetchResult, planFetch, plannedRequests } from '../../../../functions/core/sync/sync-plan';
import { connectionRecord } from '../../../support/fakes/records';

/** A day Garmin holds completely: wellness data, totals, and a device upload after the day ended. */
const DAY = { includesWellnessData: true, totalKilocalories: 2100, lastSyncTimestampGMT: '2026-11-30T06:00:00.0' };

const ZONE = 'Europe/Berlin';
/** Berlin is UTC+1 in November. */
const berlin = (local: string) => new Date(`${local}+01:00`);

const connection = (cursors: SyncCursors, overrides: Partial<ConnectionRecord> = {}): ConnectionRecord =>
  connectionRecord({ timeZone: ZONE, displayName: 'athlete-42', cursors, ...overrides });

const fresh = (now: Date) => ({ profile: {}, fetchedAt: now.toISOString() });

/** Caught up the evening before: everything through the 22nd is final, the 23rd was today. */
const caughtUp: SyncCursors = {
  activitiesNewestLocal: '2026-11-23 18:00:00',
  summariesFinalThrough: '2026-11-22',
  backfillFrom: '2026-08-25',
  backfillDone: true,
  deviceUploadAt: '2026-11-23T18:30:00.000Z',
};

// The whole plan, as a manual sync or the plan after the probe saw an upload runs it (a scheduled
// sync's probe and check: sync-probe.test.ts).
// Per planned day: summary + hydration + sleep; once per sync: activities and the weight range.
describe('planFetch once caught up: 5 requests, yesterday only when it is worth it', () => {
  it('re-reads yesterday right after midnight (not read since it ended), with today: 8 requests', () => {
    const now = berlin('2026-11-24T00:10:00');
    const plan = planFetch(connection({ ...caughtUp, provisionalCheckedAt: berlin('2026-11-23T23:55:00').toISOString() }), fresh(now), now);
    expect(plan.dailySummaries?.dates).toEqual(['2026-11-23', '2026-11-24']);
    expect(plannedRequests(plan)).toBe(8);
  });

  it('then leaves yesterday alone for summaryRecheckSeconds: 5 requests', () => {
    const checked = berlin('2026-11-24T00:10:00');
    const now = new Date(checked.getTime() + (LIMITS.summaryRecheckSeconds - 60) * 1000);
    const plan = planFetch(connection({ ...caughtUp, provisionalCheckedAt: checked.toISOString() }), fresh(now), now);
    expect(plan).toEqual({
      displayName: 'athlete-42',
      activities: { startDate: '2026-11-22' },
      dailySummaries: { dates: ['2026-11-24'], types: ['hydration', 'sleep'] },
      weight: { startDate: '2026-11-24', endDate: '2026-11-24' },
      profile: false,
    });
    expect(plannedRequests(plan)).toBe(5);
  });

  it('re-reads it after summaryRecheckSeconds, and at the finality threshold whatever the last check', () => {
    const checked = berlin('2026-11-24T00:10:00');
    const recheck = new Date(checked.getTime() + LIMITS.summaryRecheckSeconds * 1000);
    expect(planFetch(connection({ ...caughtUp, provisionalCheckedAt: checked.toISOString() }), fresh(recheck), recheck).dailySummaries?.dates).toEqual([
      '2026-11-23',
      '2026-11-24',
    ]);
    const threshold = berlin(`2026-11-24T${String(LIMITS.summaryFinalAfterHours).padStart(2, '0')}:00:30`);
    const justChecked = new Date(threshold.getTime() - 60_000).toISOString();
    expect(planFetch(connection({ ...caughtUp, provisionalCheckedAt: justChecked }), fresh(threshold), threshold).dailySummaries?.dates).toEqual([
      '2026-11-23',
      '2026-11-24',
    ]);
  });

  it('skips nothing while the user\'s zone is unknown', () => {
    const now = berlin('2026-11-24T02:00:00');
    const plan = planFetch(
      connection({ ...caughtUp, provisionalCheckedAt: berlin('2026-11-24T01:00:00').toISOString() }, { timeZone: undefined }),
      fresh(now),
      now,
    );
    expect(plan.dailySummaries?.dates[0]).toBe('2026-11-23');
  });

  it('does not search activities again in the next chunk of an unfinished backfill, only then', () => {
    const now = berlin('2026-11-24T15:00:00');
    const backfilling: SyncCursors = { ...caughtUp, backfillDone: false, summariesFinalThrough: '2026-09-30', activitiesCheckedAt: new Date(now.getTime() - 60_000).toISOString() };
    expect(planFetch(connection(backfilling), fresh(now), now, 'backfill').activities).toBeUndefined();
    // A scheduled sync, a finished backfill, or a check older than one interval: search.
    expect(planFetch(connection(backfilling), fresh(now), now, 'scheduled').activities).toBeDefined();
    expect(planFetch(connection({ ...backfilling, backfillDone: true }), fresh(now), now, 'backfill').activities).toBeDefined();
    const stale = new Date(now.getTime() + LIMITS.syncIntervalSeconds * 1000);
    expect(planFetch(connection(backfilling), fresh(stale), stale, 'backfill').activities).toBeDefined();
  });
});

describe('daily summaries: final only past the threshold and unchanged since the previous fetch', () => {
  const afternoon = berlin('2026-11-24T13:00:00');
  const stored = (summary: Record<string, unknown>, final = false): StoredDailySummary => ({ date: '2026-11-23', final, summary });

  it('is provisional before the threshold, whatever is stored', () => {
    const morning = berlin('2026-11-24T08:00:00');
    expect(isSummaryFinal('2026-11-23', { steps: 1 }, stored({ steps: 1 }), morning, ZONE)).toBe(false);
  });

  it('is final past the threshold when unchanged (key order aside), or never fetched before (backfill)', () => {
    expect(isSummaryFinal('2026-11-23', { ...DAY, a: 1, steps: 9 }, stored({ steps: 9, a: 1, ...DAY }), afternoon, ZONE)).toBe(true);
    expect(isSummaryFinal('2026-11-23', { ...DAY, steps: 9 }, undefined, afternoon, ZONE)).toBe(true);
    expect(sameContent({ x: { b: 1, a: [1, { d: 1, c: 2 }] } }, { x: { a: [1, { c: 2, d: 1 }], b: 1 } })).toBe(true);
  });

  it('stays provisional past the threshold when Garmin\'s figures changed since the previous fetch', () => {
    expect(isSummaryFinal('2026-11-23', { steps: 9500 }, stored({ ...DAY, steps: 9000 }), afternoon, ZONE)).toBe(false);
  });

  it('moves the final-through cursor only when the confirmation came, and records the checks', () => {
    const plan = { activities: { startDate: '2026-11-22' }, dailySummaries: { dates: ['2026-11-23', '2026-11-24'] } };
    const result = (steps: number): FetchResult => ({
      displayName: 'athlete-42',
      activities: { items: [], complete: true, pages: 1 },
      dailySummaries: { items: [{ date: '2026-11-23', summary: { ...DAY, steps } }, { date: '2026-11-24', summary: { ...DAY, steps: 100 } }] },
    });
    const before = new Map([['2026-11-23', stored({ ...DAY, steps: 9000 })]]);
    const changed = applyFetchResult(connection(caughtUp), plan, result(9500), ZONE, afternoon, before);
    expect(changed.summaries.map((s) => s.final)).toEqual([false, false]);
    expect(changed.cursors.summariesFinalThrough).toBe('2026-11-22');
    expect(changed.cursors.provisionalCheckedAt).toBe(afternoon.toISOString());
    expect(changed.cursors.activitiesCheckedAt).toBe(afternoon.toISOString());

    const confirmed = applyFetchResult(connection(caughtUp), plan, result(9000), ZONE, afternoon, before);
    expect(confirmed.summaries.map((s) => s.final)).toEqual([true, false]);
    expect(confirmed.cursors.summariesFinalThrough).toBe('2026-11-23');
  });

  it('never jumps the final-through cursor over a day that was not in the plan', () => {
    const plan = { dailySummaries: { dates: ['2026-11-21', '2026-11-24'] } };
    const result: FetchResult = {
      displayName: null,
      dailySummaries: { items: [{ date: '2026-11-21', summary: DAY }, { date: '2026-11-24', summary: DAY }] },
    };
    const applied = applyFetchResult(connection({ ...caughtUp, summariesFinalThrough: '2026-11-20' }), plan, result, ZONE, afternoon);
    expect(applied.cursors.summariesFinalThrough).toBe('2026-11-21');
  });

  it('finishes a backfill whose last chunk did not search activities again', () => {
    const now = berlin('2026-11-24T15:00:00');
    const plan = { dailySummaries: { dates: ['2026-11-23', '2026-11-24'] } };
    const result: FetchResult = { displayName: null, dailySummaries: { items: plan.dailySummaries.dates.map((date) => ({ date, summary: DAY })) } };
    const cursors = { ...caughtUp, backfillDone: false, activitiesCheckedAt: new Date(now.getTime() - 60_000).toISOString() };
    expect(applyFetchResult(connection(cursors), plan, result, ZONE, now).cursors.backfillDone).toBe(true);
  });
});

describe('backfill progress in the connection view', () => {
  it('shows how far the stored summaries reach, as a date and a percentage of the way', () => {
    const view = toConnectionView(
      connection({ backfillFrom: '2026-01-01', summariesFinalThrough: '2026-04-10', backfillDone: false }, { lastSyncTime: '2026-07-19T10:00:00.000Z' }),
    );
    // 100 of 200 days.
    expect(view.backfill).toEqual({ from: '2026-01-01', done: false, through: '2026-04-10', percent: 50 });
    expect(toConnectionView(connection({ backfillFrom: '2026-01-01', backfillDone: false })).backfill).toEqual({ from: '2026-01-01', done: false, through: null, percent: 0 });
    expect(toConnectionView(connection({ ...caughtUp })).backfill).toMatchObject({ done: true, percent: 100 });
  });
});
