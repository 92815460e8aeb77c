/**
 * When a daily summary is final: the day ended at least LIMITS.summaryFinalAfterHours ago
 * in the user's zone AND Garmin's figures did not change since the previous fetch. A watch
 * that uploads late changes a past day; requiring one unchanged re-read after the threshold
 * catches an upload that lands around it, at the price of (rarely) one more request. A day
 * fetched for the first time past the threshold (a backfill) has nothing to compare with and
 * is final at once, so a backfill stays at one request per day.
 */
import { LIMITS } from '../shared/limits';
import { LATEST_ZONE, isDayFinal } from '../shared/local-time';
import type { GarminObject, StoredDailySummary } from '../shared/ports';

/** JSON with object keys sorted, so two fetches of the same figures compare equal whatever their key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/** Whether two Garmin objects hold the same content (key order aside). */
export const sameContent = (a: GarminObject, b: GarminObject): boolean => canonical(a) === canonical(b);

/** Time alone: the day ended long enough ago. Unknown zone: the latest one, so never too early. */
export const isPastFinalityThreshold = (date: string, now: Date, timeZone: string | undefined): boolean =>
  isDayFinal(date, now, timeZone ?? LATEST_ZONE, LIMITS.summaryFinalAfterHours);

/** `lastSyncTimestampGMT` as Garmin writes it ("2024-01-01T10:00:00.0", UTC without a zone). */
const gmtInstant = (value: unknown): number | undefined => {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(ms) ? undefined : ms;
};

/** Garmin says it has wellness data for the day and has filled in its totals (a no-data day has them null). */
export const holdsWellnessData = (summary: GarminObject): boolean =>
  summary.includesWellnessData !== false && typeof summary.totalKilocalories === 'number' && Number.isFinite(summary.totalKilocalories);

/**
 * Whether Garmin holds the whole day: it says it has wellness data, its totals are filled
 * in, and the device uploaded after the day ended (a watch that syncs late changes a past
 * day). Without this a day fetched before the upload would be frozen empty.
 */
export const isSummaryComplete = (date: string, summary: GarminObject, timeZone: string | undefined): boolean => {
  if (!holdsWellnessData(summary)) return false;
  const lastSync = gmtInstant(summary.lastSyncTimestampGMT);
  if (lastSync === undefined) return true;
  // Uploaded after the day ended in the user's zone (the latest zone when unknown: never too early).
  return isDayFinal(date, new Date(lastSync), timeZone ?? LATEST_ZONE, 0);
};

/** A day still incomplete this long after it is given up: final as it is (watch not worn that day). */
export const isGivenUp = (date: string, now: Date, timeZone: string | undefined): boolean =>
  isDayFinal(date, now, timeZone ?? LATEST_ZONE, LIMITS.emptyDayGiveUpDays * 24);

/**
 * Whether a just-fetched summary is final. `stored` is what was stored for that date before
 * this fetch (undefined: never fetched, or the caller did not look).
 */
export const isSummaryFinal = (
  date: string,
  summary: GarminObject,
  stored: StoredDailySummary | undefined,
  now: Date,
  timeZone: string | undefined,
): boolean => {
  if (!isPastFinalityThreshold(date, now, timeZone)) return false;
  if (!isSummaryComplete(date, summary, timeZone)) return isGivenUp(date, now, timeZone);
  if (stored === undefined || stored.final) return true;
  return sameContent(stored.summary, summary);
};
