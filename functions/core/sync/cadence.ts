/**
 * Adaptive cadence: when a user's next scheduled sync is due, from when their device uploads.
 * Pure, so the schedule is tested without I/O.
 *
 * Each upload the probe sees counts in a small histogram of the hour of day (in the user's
 * zone) it happened at; counts fade so the schedule follows a changed routine. The numbers
 * are LIMITS.cadence*. The hour before a usual one counts as usual (an upload early in it is
 * not missed); the night ends with the first hour that is not in it. Until enough uploads
 * were seen, every hour counts as a usual one (the fixed cadence). The app asks
 * for a prompt sync with POST /garmin/sync; which plan a sync runs (probe or the check of what
 * the probe cannot see) is sync-plan.ts's business, which asks `inUsersNight` when to check.
 */
import { LIMITS } from '../shared/limits';
import { localHour } from '../shared/local-time';
import type { SyncCursors } from '../shared/ports';

/** Uploads per hour of the user's day (24 numbers, faded), and how many uploads were counted. */
export interface UploadHistogram {
  hours: number[];
  uploads: number;
}

export const EMPTY_HISTOGRAM: UploadHistogram = { hours: Array<number>(24).fill(0), uploads: 0 };

export const histogramOf = (cursors: SyncCursors): UploadHistogram =>
  cursors.uploadHours?.length === 24 ? { hours: cursors.uploadHours, uploads: cursors.uploadsSeen ?? 0 } : EMPTY_HISTOGRAM;

/** Counts one upload; older ones fade. Values are rounded to keep the stored item small. */
export const countUpload = (histogram: UploadHistogram, upload: Date, timeZone: string): UploadHistogram => {
  const fade = 0.5 ** (1 / LIMITS.cadenceHalfLifeUploads);
  const hour = localHour(upload, timeZone);
  return {
    hours: histogram.hours.map((count, h) => Math.round((count * fade + (h === hour ? 1 : 0)) * 100) / 100),
    uploads: histogram.uploads + 1,
  };
};

export interface CadenceInput {
  histogram: UploadHistogram;
  timeZone: string;
  /** The device's last upload, when one is known. */
  lastUploadAt?: Date;
  /** When the app last read this user's data. */
  lastReadAt?: Date;
}

type HourKind = 'usual' | 'waking' | 'sleep';

/** The hour most people sleep through: breaks a tie between runs of silent hours. */
const NIGHT_HOUR = 3;

/** What each hour of the user's day is, from the histogram. */
export const hourKinds = (histogram: UploadHistogram): HourKind[] => {
  if (histogram.uploads < LIMITS.cadenceLearnUploads) return Array<HourKind>(24).fill('usual');
  const busiest = Math.max(...histogram.hours);
  const usual = histogram.hours.map((count) => count > 0 && count >= busiest * LIMITS.cadenceUsualShare);
  const silent = histogram.hours.map((count) => count === 0);
  // The night: the longest run of hours without any upload (across midnight too); of runs as
  // long, the one holding 03:00, when most people sleep.
  const holdsThree = (run: { start: number; length: number }) => (NIGHT_HOUR - run.start + 24) % 24 < run.length;
  let best = { start: 0, length: 0 };
  for (let start = 0; start < 24; start++) {
    if (!silent[start] || silent[(start + 23) % 24]) continue;
    let length = 0;
    while (length < 24 && silent[(start + length) % 24]) length++;
    const run = { start, length };
    if (length > best.length || (length === best.length && holdsThree(run))) best = run;
  }
  const night = new Set(Array.from({ length: best.length }, (_, i) => (best.start + i) % 24));
  return usual.map((isUsual, h) => (isUsual ? 'usual' : night.has(h) ? 'sleep' : 'waking'));
};

/** Whether `now` falls in the user's night (their longest run of hours without uploads, once learnt). */
export const inUsersNight = (histogram: UploadHistogram, timeZone: string, now: Date): boolean =>
  hourKinds(histogram)[localHour(now, timeZone)] === 'sleep';

/** Seconds until the next scheduled sync, at `now`. */
export const cadenceSeconds = (input: CadenceInput, now: Date): number => {
  const since = (at: Date | undefined) => (at ? (now.getTime() - at.getTime()) / 1000 : Number.POSITIVE_INFINITY);
  if (since(input.lastReadAt) < LIMITS.cadenceReadWindowSeconds) return LIMITS.syncIntervalSeconds;
  if (input.histogram.uploads >= LIMITS.cadenceLearnUploads && since(input.lastUploadAt) >= LIMITS.cadenceDormantAfterSeconds) return LIMITS.cadenceDormantSeconds;
  const kinds = hourKinds(input.histogram);
  const hour = localHour(now, input.timeZone);
  // The hour before a usual one is watched closely too: an upload early in it is not missed.
  if (kinds[hour] === 'usual' || kinds[(hour + 1) % 24] === 'usual') return LIMITS.syncIntervalSeconds;
  if (kinds[hour] === 'waking') return LIMITS.cadenceQuietSeconds;
  // Asleep: wake up for the first usual or waking hour, whichever comes first.
  let hoursAhead = 1;
  while (hoursAhead < 24 && kinds[(hour + hoursAhead) % 24] === 'sleep') hoursAhead++;
  const startOfHour = now.getTime() - (now.getTime() % 3_600_000);
  const untilAwake = (startOfHour + (hoursAhead - 1) * 3_600_000 - now.getTime()) / 1000;
  return Math.max(LIMITS.syncIntervalSeconds, Math.min(LIMITS.cadenceSleepSeconds, untilAwake));
};

/** Seconds until a connection's next scheduled sync, from its cursors; the fixed interval until its zone is known. */
export const nextSyncSeconds = (cursors: SyncCursors, timeZone: string | undefined, now: Date): number =>
  timeZone === undefined
    ? LIMITS.syncIntervalSeconds
    : cadenceSeconds({ histogram: histogramOf(cursors), timeZone, ...(cursors.deviceUploadAt ? { lastUploadAt: new Date(cursors.deviceUploadAt) } : {}) }, now);
