/** When a day is complete at Garmin, and when an incomplete one is given up. */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../../functions/core/shared/limits';
import { isGivenUp, isSummaryComplete, isSummaryFinal } from '../../../../functions/core/sync/summary-finality';

const ZONE = 'Europe/Berlin';
const NOW = new Date('2026-11-25T12:00:00Z');
const complete = { includesWellnessData: true, totalKilocalories: 2100, lastSyncTimestampGMT: '2026-11-24T07:00:00.0' };

describe('isSummaryComplete', () => {
  it('needs wellness data, filled-in totals and an upload after the day ended in the user zone', () => {
    expect(isSummaryComplete('2026-11-23', complete, ZONE)).toBe(true);
    expect(isSummaryComplete('2026-11-23', { ...complete, includesWellnessData: false }, ZONE)).toBe(false);
    expect(isSummaryComplete('2026-11-23', { ...complete, totalKilocalories: null }, ZONE)).toBe(false);
    expect(isSummaryComplete('2026-11-23', { includesWellnessData: true, lastSyncTimestampGMT: complete.lastSyncTimestampGMT }, ZONE)).toBe(false);
    // 22:30 UTC on the 23rd is 23:30 in Berlin: the watch uploaded before the day ended.
    expect(isSummaryComplete('2026-11-23', { ...complete, lastSyncTimestampGMT: '2026-11-23T22:30:00.0' }, ZONE)).toBe(false);
    expect(isSummaryComplete('2026-11-23', { ...complete, lastSyncTimestampGMT: '2026-11-23T23:30:00.0' }, ZONE)).toBe(true);
  });
});

describe('isSummaryFinal', () => {
  it('keeps a past day provisional while the watch has not uploaded it, however often it is read unchanged', () => {
    const early = { ...complete, lastSyncTimestampGMT: '2026-11-23T10:00:00.0' };
    const stored = { date: '2026-11-23', final: false, summary: early };
    expect(isSummaryFinal('2026-11-23', early, stored, NOW, ZONE)).toBe(false);
    expect(isSummaryFinal('2026-11-23', complete, { ...stored, summary: complete }, NOW, ZONE)).toBe(true);
  });

  it('gives an empty day up as final only after LIMITS.emptyDayGiveUpDays', () => {
    const empty = { includesWellnessData: false, totalKilocalories: null };
    const later = new Date(NOW.getTime() + (LIMITS.emptyDayGiveUpDays - 2) * 86_400_000);
    expect(isSummaryFinal('2026-11-23', empty, undefined, later, ZONE)).toBe(false);
    const muchLater = new Date(NOW.getTime() + (LIMITS.emptyDayGiveUpDays + 1) * 86_400_000);
    expect(isGivenUp('2026-11-23', muchLater, ZONE)).toBe(true);
    expect(isSummaryFinal('2026-11-23', empty, undefined, muchLater, ZONE)).toBe(true);
  });
});
