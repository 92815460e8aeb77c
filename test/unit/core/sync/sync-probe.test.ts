import { describe, expect, it } from 'vitest';
import type { FetchResult } from '../../../../functions/core/shared/bridge-protocol';
import { LIMITS } from '../../../../functions/core/shared/limits';
import type { ConnectionRecord, SyncCursors } from '../../../../functions/core/shared/ports';
import { EMPTY_HISTOGRAM, countUpload } from '../../../../functions/core/sync/cadence';
import { applyFetchResult, checkDue, planFetch, plannedRequests, probeCursors, probeFirst } from '../../../../functions/core/sync/sync-plan';
import { connectionRecord } from '../../../support/fakes/records';

const NOW = new Date('2026-11-23T20:00:00Z');
const UPLOAD = '2026-11-23T18:40:00.000Z';
const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString();

/** Caught up, probed before, its whole plan run an hour ago. */
const CAUGHT_UP: SyncCursors = {
  backfillDone: true,
  activitiesNewestLocal: '2026-11-23 07:30:00',
  summariesFinalThrough: '2026-11-22',
  deviceUploadAt: UPLOAD,
  probedAt: ago(900),
  fullSyncAt: ago(3600),
};

const connection = (cursors: SyncCursors): ConnectionRecord => connectionRecord({ timeZone: 'Europe/Berlin', displayName: 'athlete-42', cursors });

describe('probeFirst', () => {
  it('bounds a scheduled sync of a caught-up connection by the upload the last probe saw', () => {
    expect(probeFirst(connection(CAUGHT_UP), NOW, 'scheduled')).toEqual({ stopUnlessAfterMs: Date.parse(UPLOAD) });
  });

  it('never probes a manual sync or a backfill chunk, nor before the backfill is done', () => {
    expect(probeFirst(connection(CAUGHT_UP), NOW, 'manual')).toBeUndefined();
    expect(probeFirst(connection(CAUGHT_UP), NOW, 'backfill')).toBeUndefined();
    expect(probeFirst(connection({ ...CAUGHT_UP, backfillDone: false }), NOW, 'scheduled')).toBeUndefined();
  });

  it('checks what the probe cannot see, unprobed, LIMITS.fullSyncSeconds after the last plan', () => {
    const justBefore = connection({ ...CAUGHT_UP, fullSyncAt: ago(LIMITS.fullSyncSeconds - 1) });
    const due = connection({ ...CAUGHT_UP, fullSyncAt: ago(LIMITS.fullSyncSeconds) });
    expect(probeFirst(justBefore, NOW, 'scheduled')).toBeDefined();
    expect(checkDue(justBefore, NOW, 'scheduled')).toBe(false);
    expect(probeFirst(due, NOW, 'scheduled')).toBeUndefined();
    expect(checkDue(due, NOW, 'scheduled')).toBe(true);
    expect(checkDue(connection({ ...CAUGHT_UP, fullSyncAt: undefined }), NOW, 'scheduled')).toBe(true);
    // Manual syncs and backfill chunks run the whole plan, never the check.
    expect(checkDue(due, NOW, 'manual')).toBe(false);
    expect(checkDue(connection({ ...CAUGHT_UP, fullSyncAt: undefined, backfillDone: false }), NOW, 'scheduled')).toBe(false);
  });

  it('puts the check off while the user sleeps, never past LIMITS.fullSyncMaxSeconds', () => {
    // Uploads every morning at 07:xx and every evening at 19:xx for two weeks: noon is waking, 03:00 night.
    let histogram = EMPTY_HISTOGRAM;
    for (let day = 10; day < 23; day++) {
      histogram = countUpload(histogram, new Date(`2026-11-${day}T07:20:00+01:00`), 'Europe/Berlin');
      histogram = countUpload(histogram, new Date(`2026-11-${day}T19:40:00+01:00`), 'Europe/Berlin');
    }
    const learnt = { ...CAUGHT_UP, uploadHours: histogram.hours, uploadsSeen: histogram.uploads };
    const noon = new Date('2026-11-23T12:00:00+01:00');
    const night = new Date('2026-11-24T03:00:00+01:00');
    const since = (seconds: number, at = night) => new Date(at.getTime() - seconds * 1000).toISOString();
    expect(checkDue(connection({ ...learnt, fullSyncAt: since(LIMITS.fullSyncSeconds, noon) }), noon, 'scheduled')).toBe(true);
    expect(checkDue(connection({ ...learnt, fullSyncAt: since(LIMITS.fullSyncSeconds) }), night, 'scheduled')).toBe(false);
    expect(probeFirst(connection({ ...learnt, fullSyncAt: since(LIMITS.fullSyncSeconds) }), night, 'scheduled')).toEqual({ stopUnlessAfterMs: Date.parse(UPLOAD) });
    expect(checkDue(connection({ ...learnt, fullSyncAt: since(LIMITS.fullSyncMaxSeconds) }), night, 'scheduled')).toBe(true);
  });

  it('learns the upload time without a bound first; a probe that named none is retried only with a whole plan', () => {
    const never = { ...CAUGHT_UP, deviceUploadAt: undefined, probedAt: undefined };
    expect(probeFirst(connection(never), NOW, 'scheduled')).toEqual({});
    const unnamed = { ...never, probedAt: ago(900) };
    expect(probeFirst(connection(unnamed), NOW, 'scheduled')).toBeUndefined();
    expect(probeFirst(connection({ ...unnamed, fullSyncAt: ago(LIMITS.fullSyncSeconds) }), NOW, 'scheduled')).toEqual({});
    // Without an upload to compare with, every sync runs the whole plan: there is no check.
    expect(checkDue(connection({ ...unnamed, fullSyncAt: ago(LIMITS.fullSyncSeconds) }), NOW, 'scheduled')).toBe(false);
  });
});

describe('the plan with a probe', () => {
  it('carries the probe next to the whole plan, and counts its request', () => {
    const withProbe = planFetch(connection(CAUGHT_UP), { profile: {}, fetchedAt: ago(60) }, NOW, 'scheduled');
    const manual = planFetch(connection(CAUGHT_UP), { profile: {}, fetchedAt: ago(60) }, NOW, 'manual');
    expect(withProbe.probe).toEqual({ stopUnlessAfterMs: Date.parse(UPLOAD) });
    expect(manual.probe).toBeUndefined();
    expect({ ...withProbe, probe: undefined }).toEqual({ ...manual, probe: undefined });
    expect(plannedRequests(withProbe)).toBe(plannedRequests(manual) + 1);
  });
});

describe('the check', () => {
  // Yesterday is not final yet and wellness is due: the whole plan would read both days with sleep.
  const due = connection({ ...CAUGHT_UP, summariesFinalThrough: '2026-11-21', fullSyncAt: ago(LIMITS.fullSyncSeconds), wellnessCheckedAt: ago(LIMITS.fullSyncSeconds) });
  const profile = { profile: {}, fetchedAt: ago(60) };

  it('reads activities, today with hydration, and weight; not sleep, not past days (they change only with an upload)', () => {
    const plan = planFetch(due, profile, NOW, 'scheduled');
    expect(plan).toEqual({
      displayName: 'athlete-42',
      activities: { startDate: '2026-11-22' },
      dailySummaries: { dates: ['2026-11-23'], types: ['hydration'] },
      weight: { startDate: '2026-11-23', endDate: '2026-11-23' },
      profile: false,
    });
    expect(plannedRequests(plan)).toBe(4);
    expect(planFetch(due, profile, NOW, 'manual').dailySummaries).toEqual({ dates: ['2026-11-22', '2026-11-23'], types: ['hydration', 'sleep'] });
  });

  it('leaves wellness due, so the plan after the next upload still reads the night', () => {
    const plan = planFetch(due, profile, NOW, 'scheduled');
    const fetched: FetchResult = {
      displayName: 'athlete-42',
      dailySummaries: { items: [{ date: '2026-11-23', summary: { totalKilocalories: 1500 }, hydration: { valueInML: 500 } }] },
      weight: { startDate: '2026-11-23', endDate: '2026-11-23', range: {} },
    };
    const { cursors } = applyFetchResult(due, plan, fetched, 'Europe/Berlin', NOW);
    expect(cursors.wellnessCheckedAt).toBe(due.cursors.wellnessCheckedAt);
    const whole = planFetch(due, profile, NOW, 'manual');
    expect(applyFetchResult(due, whole, fetched, 'Europe/Berlin', NOW).cursors.wellnessCheckedAt).toBe(NOW.toISOString());
  });
});

describe('probeCursors', () => {
  const result = (probe: FetchResult['probe']): FetchResult => ({ displayName: 'athlete-42', ...(probe ? { probe } : {}) });
  const later = Date.parse(UPLOAD) + 3_600_000;

  it('a stopped probe records its time and the upload, not a whole sync', () => {
    expect(probeCursors(result({ lastUploadMs: Date.parse(UPLOAD), stopped: true }), NOW)).toEqual({
      probedAt: NOW.toISOString(),
      deviceUploadAt: UPLOAD,
    });
  });

  it('a whole plan after the probe moves the upload and the whole-sync time', () => {
    expect(probeCursors(result({ lastUploadMs: later, stopped: false }), NOW)).toEqual({
      probedAt: NOW.toISOString(),
      deviceUploadAt: new Date(later).toISOString(),
      fullSyncAt: NOW.toISOString(),
    });
  });

  it('an upload Garmin did not name keeps the one known; a plan without a probe is a whole sync', () => {
    expect(probeCursors(result({ lastUploadMs: null, stopped: false }), NOW)).toEqual({ probedAt: NOW.toISOString(), fullSyncAt: NOW.toISOString() });
    expect(probeCursors(result(undefined), NOW)).toEqual({ fullSyncAt: NOW.toISOString() });
  });

  it('counts a new upload in the hour of the user\'s day it happened at, once', () => {
    const moved = probeCursors(result({ lastUploadMs: later, stopped: false }), NOW, CAUGHT_UP, 'Europe/Berlin');
    // 18:40 UTC + 1 h: 20:40 in Berlin.
    expect(moved.uploadsSeen).toBe(1);
    expect(moved.uploadHours?.[20]).toBe(1);
    expect(moved.uploadHours?.filter((count) => count > 0)).toHaveLength(1);
    const again = probeCursors(result({ lastUploadMs: later, stopped: true }), NOW, { ...CAUGHT_UP, ...moved }, 'Europe/Berlin');
    expect(again.uploadsSeen).toBeUndefined();
    // Without the user's zone the hour is unknown: not counted.
    expect(probeCursors(result({ lastUploadMs: later, stopped: false }), NOW, CAUGHT_UP).uploadsSeen).toBeUndefined();
  });
});
