/**
 * What one sync asks Garmin for, and how its results move the cursors: pure functions,
 * so "only new data" and "cursors only past what was stored" are tested without I/O.
 */
import type { FetchRequest, FetchResult } from '../shared/bridge-protocol';
import { LIMITS } from '../shared/limits';
import { EARLIEST_ZONE, addDays, datesBetween, localDate } from '../shared/local-time';
import type { ConnectionRecord, DailySummaryInput, GarminObject, StoredDailySummary, StoredProfile, SyncCursors, SyncReason } from '../shared/ports';
import { countUpload, histogramOf, inUsersNight } from './cadence';
import { isGivenUp, isPastFinalityThreshold, isSummaryFinal } from './summary-finality';
import { syncsActivities, wellnessKindsOf } from '../shared/data-types';
import { planWellness, wellnessRequests } from './wellness-days';

export type FetchPlan = Omit<FetchRequest, 'op' | 'id' | 'tokens'>;

export const profileIsStale = (profile: StoredProfile | undefined, now: Date): boolean =>
  !profile || now.getTime() - Date.parse(profile.fetchedAt) >= LIMITS.profileCacheTtlSeconds * 1000;

export const backfillStart = (now: Date, timeZone: string | undefined, backfillDays: number = LIMITS.backfillDays): string =>
  addDays(localDate(now, timeZone ?? EARLIEST_ZONE), -backfillDays);

const secondsSince = (time: string | undefined, now: Date): number =>
  time === undefined ? Number.POSITIVE_INFINITY : (now.getTime() - Date.parse(time)) / 1000;

/**
 * A past day that is not final yet (yesterday, until the threshold) is re-read only when
 * worth it: not yet read since it ended, not for summaryRecheckSeconds, or past the threshold
 * (the read that can make it final). Today is read at every sync. Needs the user's zone.
 * The last provisional read vouches only for the dates it covered: a backfill chunk that read
 * an older unfinished day after midnight has not read yesterday.
 */
const recheckDue = (date: string, today: string, cursors: SyncCursors, timeZone: string | undefined, now: Date): boolean => {
  if (date >= today || timeZone === undefined || isPastFinalityThreshold(date, now, timeZone)) return true;
  const { provisionalCheckedAt: checkedAt, provisionalCheckedThrough: checkedThrough } = cursors;
  if (checkedAt === undefined || localDate(new Date(checkedAt), timeZone) <= date) return true;
  if (checkedThrough !== undefined && checkedThrough < date) return true;
  return secondsSince(checkedAt, now) >= LIMITS.summaryRecheckSeconds;
};

/**
 * An unfinished backfill continues in chunks queued right after each other: the first chunk
 * fetched every activity up to then, so the next ones (minutes later) need not search again;
 * the next scheduled sync does.
 */
const activitiesFresh = (cursors: SyncCursors, reason: SyncReason | undefined, now: Date): boolean =>
  reason === 'backfill' && cursors.backfillDone !== true && secondsSince(cursors.activitiesCheckedAt, now) < LIMITS.syncIntervalSeconds;

/**
 * The first day of the window whose activities this sync makes match Garmin (late uploads,
 * edits, deletions), or undefined when no reconciliation is due: once a day after the
 * backfill, and at once when forced.
 */
export const reconcileFrom = (connection: ConnectionRecord, now: Date, force = false): string | undefined => {
  const { cursors } = connection;
  if (!cursors.backfillDone) return undefined;
  if (!force && secondsSince(cursors.activitiesReconciledAt, now) < LIMITS.activityReconcileSeconds) return undefined;
  return reconcileWindowStart(connection, now);
};

/** The first day of the window a complete activity search must cover to count as a reconciliation. */
export const reconcileWindowStart = (connection: ConnectionRecord, now: Date): string =>
  addDays(localDate(now, connection.timeZone ?? EARLIEST_ZONE), -LIMITS.activityReconcileDays);

/**
 * Weight, hydration and sleep cost a request per type and day, so a sync that reads only
 * today asks for them at most every LIMITS.wellnessRecheckSeconds. One that reads a past day
 * always does: that read may make the day final, and a final day is never read again.
 */
const wellnessDue = (dates: readonly string[], today: string, cursors: SyncCursors, now: Date): boolean =>
  dates.some((date) => date < today) || secondsSince(cursors.wellnessCheckedAt, now) >= LIMITS.wellnessRecheckSeconds;

/**
 * Probe first. Garmin's `device-service/deviceservice/mylastused` (garminconnect
 * `get_device_last_used`, "the device that synced last") names the user's last-synced device
 * and its `lastUsedDeviceUploadTime` in epoch ms (0 or null without a device; garmin-grafana
 * gates all its fetching on it). It moves when one of the user's devices syncs, and only
 * then; what a device measures (activities, the figures of today and past days, sleep) reaches
 * Garmin only with such a sync. It cannot show what reaches Garmin otherwise: entries and
 * edits in the Garmin Connect app (weigh-ins, hydration intake, manual activities, edits and
 * deletions), other sources of today's summary (consumed kcal), a Wi-Fi scale (no recording
 * shows it counts as a device). So a scheduled sync of a caught-up connection runs
 *  - the whole plan when the probe sees an upload since the last one it saw;
 *  - nothing more when it sees none (one request);
 *  - the check (`checkDue`) LIMITS.fullSyncSeconds after the last plan, put off while the user
 *    sleeps (sync/cadence.ts) but never past LIMITS.fullSyncMaxSeconds: only what the probe
 *    cannot see (activities with their daily reconciliation, today's summary and hydration,
 *    weight), not sleep nor past days, which change only with a device sync: the plan after the
 *    probe sees it reads them, the re-read that makes a day final included. The check does not
 *    probe, so an upload it did not look for is still new to the next probe.
 * A probe that never named an upload (no device, an answer of another shape) leaves every
 * sync to the whole plan and is tried again each period. Manual syncs and backfill chunks
 * never probe: the user or the backfill wants the data now.
 */
const periodDue = (connection: ConnectionRecord, now: Date): boolean => {
  const since = secondsSince(connection.cursors.fullSyncAt, now);
  if (since >= LIMITS.fullSyncMaxSeconds) return true;
  if (since < LIMITS.fullSyncSeconds) return false;
  return connection.timeZone === undefined || !inUsersNight(histogramOf(connection.cursors), connection.timeZone, now);
};

const probes = (connection: ConnectionRecord, reason: SyncReason | undefined): boolean =>
  reason === 'scheduled' && connection.cursors.backfillDone === true;

/** Whether this sync is the check of what the probe cannot see (see above). */
export const checkDue = (connection: ConnectionRecord, now: Date, reason: SyncReason | undefined): boolean =>
  probes(connection, reason) && connection.cursors.deviceUploadAt !== undefined && periodDue(connection, now);

export const probeFirst = (connection: ConnectionRecord, now: Date, reason: SyncReason | undefined): FetchPlan['probe'] => {
  const { cursors } = connection;
  if (!probes(connection, reason)) return undefined;
  if (cursors.deviceUploadAt === undefined) return cursors.probedAt === undefined || periodDue(connection, now) ? {} : undefined;
  return periodDue(connection, now) ? undefined : { stopUnlessAfterMs: Date.parse(cursors.deviceUploadAt) };
};

/**
 * The cursors a successful fetch moves by its probe: the upload it saw (never moved by a fetch
 * that failed after it, so the next sync runs the whole plan again), counted in the upload
 * histogram when it is new (sync/cadence.ts; needs the user's zone), and whether the whole plan ran.
 */
export const probeCursors = (result: FetchResult, now: Date, previous: SyncCursors = {}, timeZone?: string): Partial<SyncCursors> => {
  const probe = result.probe;
  const at = now.toISOString();
  const upload = probe?.lastUploadMs ?? undefined;
  const isNew = upload !== undefined && (previous.deviceUploadAt === undefined || upload > Date.parse(previous.deviceUploadAt));
  const histogram = isNew && timeZone !== undefined ? countUpload(histogramOf(previous), new Date(upload), timeZone) : undefined;
  return {
    ...(probe ? { probedAt: at } : {}),
    ...(upload !== undefined ? { deviceUploadAt: new Date(upload).toISOString() } : {}),
    ...(histogram ? { uploadHours: histogram.hours, uploadsSeen: histogram.uploads } : {}),
    ...(probe?.stopped ? {} : { fullSyncAt: at }),
  };
};

export const planFetch = (
  connection: ConnectionRecord,
  profile: StoredProfile | undefined,
  now: Date,
  reason?: SyncReason,
  reconcileStart?: string,
  backfillDays: number = LIMITS.backfillDays,
): FetchPlan => {
  const { cursors } = connection;
  const probe = probeFirst(connection, now, reason);
  // Until Garmin tells us the user's zone, reach as far forward as any zone's "today".
  const today = localDate(now, connection.timeZone ?? EARLIEST_ZONE);
  const backfillFrom = cursors.backfillFrom ?? backfillStart(now, connection.timeZone, backfillDays);
  const newest = cursors.activitiesNewestLocal?.slice(0, 10);
  const incremental = newest ? addDays(newest, -LIMITS.activityOverlapDays) : backfillFrom;
  const activitiesFrom = reconcileStart !== undefined && reconcileStart < incremental ? reconcileStart : incremental;
  const check = checkDue(connection, now, reason);
  const summaryDates = check
    ? [today]
    : datesBetween(cursors.summariesFinalThrough ? addDays(cursors.summariesFinalThrough, 1) : backfillFrom, today)
        .filter((date) => recheckDue(date, today, cursors, connection.timeZone, now))
        .slice(0, LIMITS.summaryDatesPerSync);
  // Sleep comes from the device alone: the check leaves it to the plan after the next upload.
  const kinds = wellnessKindsOf(connection).filter((kind) => !check || kind !== 'sleep');
  const wellness = kinds.length && wellnessDue(summaryDates, today, cursors, now) ? planWellness(summaryDates, kinds) : {};
  return {
    ...(connection.displayName ? { displayName: connection.displayName } : {}),
    // Re-read a day before the newest stored activity: Garmin uploads can arrive late.
    ...(!syncsActivities(connection) || activitiesFresh(cursors, reason, now) ? {} : { activities: { startDate: activitiesFrom } }),
    ...(summaryDates.length ? { dailySummaries: { dates: summaryDates, ...(wellness.types ? { types: wellness.types } : {}) } } : {}),
    ...(wellness.weight ? { weight: wellness.weight } : {}),
    profile: profileIsStale(profile, now),
    ...(probe ? { probe } : {}),
  };
};

const startTimeLocal = (activity: GarminObject): string | undefined =>
  typeof activity.startTimeLocal === 'string' ? activity.startTimeLocal : undefined;

export interface AppliedResult {
  cursors: SyncCursors;
  summaries: DailySummaryInput[];
}

/**
 * Cursors after storing `result` (complete or partial). Activities arrive oldest first,
 * so what was fetched before a failure is a prefix in time and the cursor may move to
 * its end; summaries advance the "final through" date only over consecutive final days.
 */
export const applyFetchResult = (
  connection: ConnectionRecord,
  plan: FetchPlan,
  result: FetchResult,
  timeZone: string | undefined,
  now: Date,
  /** What was stored for the fetched dates before this fetch: decides finality past the threshold (summary-finality.ts). */
  stored?: ReadonlyMap<string, StoredDailySummary>,
): AppliedResult => {
  const previous = connection.cursors;
  const backfillFrom = previous.backfillFrom ?? plan.activities?.startDate;
  const today = localDate(now, connection.timeZone ?? EARLIEST_ZONE);

  let newest = previous.activitiesNewestLocal;
  for (const activity of result.activities?.items ?? []) {
    const start = startTimeLocal(activity);
    if (start && (!newest || start > newest)) newest = start;
  }

  const fetchedDays = result.dailySummaries?.items ?? [];
  const summaries = fetchedDays.flatMap((day) =>
    'summary' in day ? [{ date: day.date, summary: day.summary, final: isSummaryFinal(day.date, day.summary, stored?.get(day.date), now, timeZone) }] : [],
  );
  // A day Garmin had nothing to show for is stored as nothing and read again later, until given up.
  const finalDates = new Set([
    ...summaries.filter((s) => s.final).map((s) => s.date),
    ...fetchedDays.filter((day) => 'unavailable' in day && isGivenUp(day.date, now, timeZone)).map((day) => day.date),
  ]);
  // Only over consecutive final days: a day left out of the plan is never jumped over.
  let finalThrough = previous.summariesFinalThrough;
  for (const date of plan.dailySummaries?.dates ?? []) {
    if (!finalDates.has(date) || (finalThrough !== undefined && date !== addDays(finalThrough, 1))) break;
    finalThrough = date;
  }
  const provisionalPastDay = fetchedDays.some((day) => !finalDates.has(day.date) && day.date < today);
  const activitiesCheckedAt = result.activities?.complete ? now.toISOString() : previous.activitiesCheckedAt;
  const provisionalCheckedAt = provisionalPastDay ? now.toISOString() : previous.provisionalCheckedAt;
  const provisionalCheckedThrough = provisionalPastDay ? fetchedDays.map((day) => day.date).sort().at(-1) : previous.provisionalCheckedThrough;
  const wellnessFetched = (result.dailySummaries?.items ?? []).some((day) => 'hydration' in day || 'sleep' in day) || result.weight !== undefined;
  // Only a plan that read every wellness kind vouches for them all: after a check (no sleep),
  // the plan of the next upload still reads the night.
  const plannedKinds = new Set<string>([...(plan.dailySummaries?.types ?? []), ...(plan.weight ? ['weight'] : [])]);
  const allWellness = wellnessKindsOf(connection).every((kind) => plannedKinds.has(kind));
  const wellnessCheckedAt = wellnessFetched && allWellness ? now.toISOString() : previous.wellnessCheckedAt;
  const profileFetchedAt = result.profile ? now.toISOString() : previous.profileFetchedAt;

  // Activities left out of the plan were complete minutes ago (a backfill's next chunk), or are not synced at all.
  const activitiesDone = plan.activities ? result.activities?.complete === true : activitiesCheckedAt !== undefined || !syncsActivities(connection);
  const planned = plan.dailySummaries?.dates ?? [];
  const fetched = new Set(fetchedDays.map((day) => day.date));
  const summariesCaughtUp = planned.every((d) => fetched.has(d)) && (planned.at(-1) ?? '') >= today;
  return {
    cursors: {
      // Cursors this function does not move (token refresh, reconciliation) carry over.
      ...previous,
      ...(newest ? { activitiesNewestLocal: newest } : {}),
      ...(finalThrough ? { summariesFinalThrough: finalThrough } : {}),
      ...(backfillFrom ? { backfillFrom } : {}),
      backfillDone: previous.backfillDone === true || (activitiesDone && summariesCaughtUp),
      ...(activitiesCheckedAt ? { activitiesCheckedAt } : {}),
      ...(provisionalCheckedAt ? { provisionalCheckedAt } : {}),
      ...(provisionalCheckedThrough ? { provisionalCheckedThrough } : {}),
      ...(wellnessCheckedAt ? { wellnessCheckedAt } : {}),
      ...(profileFetchedAt ? { profileFetchedAt } : {}),
    },
    summaries,
  };
};

/** Garmin requests a plan will make, at least (more activity pages when there are many). */
export const plannedRequests = (plan: FetchPlan): number =>
  (plan.probe ? 1 : 0) +
  (plan.activities ? 1 : 0) +
  (plan.dailySummaries?.dates.length ?? 0) +
  wellnessRequests(plan.dailySummaries?.dates ?? [], { ...(plan.dailySummaries?.types ? { types: plan.dailySummaries.types } : {}), ...(plan.weight ? { weight: plan.weight } : {}) }) +
  (plan.profile ? PROFILE_REQUESTS : 0);

/** Social profile, user settings and the time zone (operations.py `_load_profile` + `get_user_timezone`). */
export const PROFILE_REQUESTS = 3;
