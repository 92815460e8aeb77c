/** Calendar dates in a user's Garmin time zone. */

/** Earliest and latest zones on Earth: used while a user's zone is not yet known, so
 * "today" is never missed and a day is never declared final too early. */
export const EARLIEST_ZONE = 'Pacific/Kiritimati';
export const LATEST_ZONE = 'Etc/GMT+12';

const DAY_MS = 86_400_000;

const DATE_PARTS = { year: 'numeric', month: '2-digit', day: '2-digit' } as const;
/** en-CA formats dates as YYYY-MM-DD; the wall clock is read from en-US parts (24 h). */
const FORMATS = {
  date: ['en-CA', DATE_PARTS],
  wallClock: ['en-US', { ...DATE_PARTS, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }],
  hour: ['en-GB', { hour: '2-digit', hourCycle: 'h23' }],
} as const satisfies Record<string, readonly [string, Intl.DateTimeFormatOptions]>;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per format and zone: building one costs far more than using it. */
const formatterOf = (format: keyof typeof FORMATS, timeZone: string): Intl.DateTimeFormat => {
  const key = `${format}|${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const [locale, options] = FORMATS[format];
    formatter = new Intl.DateTimeFormat(locale, { timeZone, ...options });
    formatters.set(key, formatter);
  }
  return formatter;
};

/** YYYY-MM-DD of `instant` in `timeZone`. */
export const localDate = (instant: Date, timeZone: string): string => formatterOf('date', timeZone).format(instant);

/** The hour of day (0-23) of `instant` in `timeZone`. */
export const localHour = (instant: Date, timeZone: string): number => Number(formatterOf('hour', timeZone).format(instant)) % 24;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `instant` as wall-clock time in `timeZone` with its UTC offset, to the second: 2026-11-30T07:15:00+01:00. */
export const localTimestamp = (instant: Date, timeZone: string): string => {
  const parts = Object.fromEntries(formatterOf('wallClock', timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  const wall = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  const seconds = Math.floor(instant.getTime() / 1000) * 1000;
  const offsetMinutes = Math.round((Date.parse(`${wall}Z`) - seconds) / 60_000);
  const abs = Math.abs(offsetMinutes);
  return `${wall}${offsetMinutes < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
};

export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Inclusive list of dates from `from` to `to` (empty when from > to). */
export const datesBetween = (from: string, to: string): string[] => {
  const dates: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) dates.push(d);
  return dates;
};

/** A day is final once it ended at least `afterHours` ago in the user's zone. */
export const isDayFinal = (date: string, now: Date, timeZone: string, afterHours: number): boolean =>
  localDate(new Date(now.getTime() - afterHours * 3_600_000), timeZone) > date;
