/**
 * When a daily summary is final: the day ended at least LIMITS.summaryFinalAfterHours ago
 * in the user's zone AND Garmin's figures did not change since the previous fetch. A watch
 * that uploads late changes a past day; requiring one unchanged re-read after the threshold
 * catches an upload that lands around it, at the price of (rarely) one more request. A day
 * fetched for the first time past the threshold (a backfill) has nothing to compare with and
 * is final at once, so a backfill stays at one request per day.
 */
import { LIMITS } from '../limits';
import { LATEST_ZONE, isDayFinal } from '../local-time';
import type { GarminObject, StoredDailySummary } from '../ports';

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
  if (stored === undefined || stored.final) return true;
  return sameContent(stored.summary, summary);
};
