/**
 * What one sync asks Garmin for, and how its results move the cursors: pure functions,
 * so "only new data" and "cursors only past what was stored" are tested without I/O.
 */
import type { FetchRequest, FetchResult } from '../bridge-protocol';
import { LIMITS } from '../limits';
import { EARLIEST_ZONE, LATEST_ZONE, addDays, datesBetween, isDayFinal, localDate } from '../local-time';
import type { ConnectionRecord, DailySummaryInput, GarminObject, StoredProfile, SyncCursors } from '../ports';

export type FetchPlan = Omit<FetchRequest, 'op' | 'id' | 'tokens'>;

export const profileIsStale = (profile: StoredProfile | undefined, now: Date): boolean =>
  !profile || now.getTime() - Date.parse(profile.fetchedAt) >= LIMITS.profileCacheTtlSeconds * 1000;

export const backfillStart = (now: Date, timeZone: string | undefined): string =>
  addDays(localDate(now, timeZone ?? EARLIEST_ZONE), -LIMITS.backfillDays);

export const planFetch = (connection: ConnectionRecord, profile: StoredProfile | undefined, now: Date): FetchPlan => {
  const { cursors } = connection;
  // Until Garmin tells us the user's zone, reach as far forward as any zone's "today".
  const today = localDate(now, connection.timeZone ?? EARLIEST_ZONE);
  const backfillFrom = cursors.backfillFrom ?? backfillStart(now, connection.timeZone);
  const newest = cursors.activitiesNewestLocal?.slice(0, 10);
  const summaryDates = datesBetween(
    cursors.summariesFinalThrough ? addDays(cursors.summariesFinalThrough, 1) : backfillFrom,
    today,
  ).slice(0, LIMITS.summaryDatesPerSync);
  return {
    ...(connection.displayName ? { displayName: connection.displayName } : {}),
    // Re-read a day before the newest stored activity: Garmin uploads can arrive late.
    activities: { startDate: newest ? addDays(newest, -LIMITS.activityOverlapDays) : backfillFrom },
    ...(summaryDates.length ? { dailySummaries: { dates: summaryDates } } : {}),
    profile: profileIsStale(profile, now),
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
): AppliedResult => {
  const zoneForFinality = timeZone ?? LATEST_ZONE;
  const previous = connection.cursors;
  const backfillFrom = previous.backfillFrom ?? plan.activities?.startDate;

  let newest = previous.activitiesNewestLocal;
  for (const activity of result.activities?.items ?? []) {
    const start = startTimeLocal(activity);
    if (start && (!newest || start > newest)) newest = start;
  }

  const summaries = (result.dailySummaries?.items ?? []).map(({ date, summary }) => ({
    date,
    summary,
    final: isDayFinal(date, now, zoneForFinality, LIMITS.summaryFinalAfterHours),
  }));
  const finalDates = new Set(summaries.filter((s) => s.final).map((s) => s.date));
  let finalThrough = previous.summariesFinalThrough;
  for (const date of plan.dailySummaries?.dates ?? []) {
    if (!finalDates.has(date)) break;
    finalThrough = date;
  }

  const activitiesDone = result.activities?.complete ?? false;
  const planned = plan.dailySummaries?.dates ?? [];
  const fetched = new Set(summaries.map((s) => s.date));
  const summariesCaughtUp =
    planned.every((d) => fetched.has(d)) && (planned.at(-1) ?? '') >= localDate(now, connection.timeZone ?? EARLIEST_ZONE);
  return {
    cursors: {
      ...(newest ? { activitiesNewestLocal: newest } : {}),
      ...(finalThrough ? { summariesFinalThrough: finalThrough } : {}),
      ...(backfillFrom ? { backfillFrom } : {}),
      backfillDone: previous.backfillDone === true || (activitiesDone && summariesCaughtUp),
    },
    summaries,
  };
};
