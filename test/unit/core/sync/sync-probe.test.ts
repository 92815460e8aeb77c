import { describe, expect, it } from 'vitest';
import type { FetchResult } from '../../../../functions/core/shared/bridge-protocol';
import { LIMITS } from '../../../../functions/core/shared/limits';
import type { ConnectionRecord, SyncCursors } from '../../../../functions/core/shared/ports';
import { planFetch, plannedRequests, probeCursors, probeFirst } from '../../../../functions/core/sync/sync-plan';
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

  it('runs the whole plan without a probe once LIMITS.fullSyncMaxSeconds passed since the last whole one', () => {
    const justBefore = connection({ ...CAUGHT_UP, fullSyncAt: ago(LIMITS.fullSyncMaxSeconds - 1) });
    const due = connection({ ...CAUGHT_UP, fullSyncAt: ago(LIMITS.fullSyncMaxSeconds) });
    expect(probeFirst(justBefore, NOW, 'scheduled')).toBeDefined();
    expect(probeFirst(due, NOW, 'scheduled')).toBeUndefined();
    expect(probeFirst(connection({ ...CAUGHT_UP, fullSyncAt: undefined }), NOW, 'scheduled')).toBeUndefined();
  });

  it('learns the upload time without a bound first; a probe that named none is retried only with a whole plan', () => {
    const never = { ...CAUGHT_UP, deviceUploadAt: undefined, probedAt: undefined };
    expect(probeFirst(connection(never), NOW, 'scheduled')).toEqual({});
    const unnamed = { ...never, probedAt: ago(900) };
    expect(probeFirst(connection(unnamed), NOW, 'scheduled')).toBeUndefined();
    expect(probeFirst(connection({ ...unnamed, fullSyncAt: ago(LIMITS.fullSyncMaxSeconds) }), NOW, 'scheduled')).toEqual({});
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
