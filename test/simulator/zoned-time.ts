/**
 * Calendar dates ("YYYY-MM-DD") and wall-clock times in an IANA time zone, on top of Intl
 * so the simulator needs no date library. Garmin keys daily data and activity filters on
 * the account's local date, so everything here is about local <-> UTC conversion.
 */

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  date: string;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(ms: number, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Milliseconds of the UTC midnight that starts `date`, treating it as if it were UTC. */
function utcMidnight(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  return new Date(utcMidnight(value)).toISOString().slice(0, 10) === value;
}

export function addDays(date: string, days: number): string {
  return new Date(utcMidnight(date) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Days since 1970-01-01; a stable per-date number for ids. */
export function epochDay(date: string): number {
  return Math.round(utcMidnight(date) / MS_PER_DAY);
}

export function localDate(ms: number, timeZone: string): string {
  return wallClock(ms, timeZone).date;
}

/** "YYYY-MM-DD HH:MM:SS", the activity list's format. */
export function localDateTime(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  return `${w.date} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

export function utcDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** "YYYY-MM-DDTHH:MM:SS.0", the daily summary's format. */
export const summaryTimestamp = (dateTime: string): string => `${dateTime.replace(' ', 'T')}.0`;

function offsetMs(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const asUtc = utcMidnight(w.date) + ((w.hour * 60 + w.minute) * 60 + w.second) * 1000;
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant at which the wall clock in `timeZone` shows `date` + `secondsOfDay`. */
export function zonedToUtc(date: string, secondsOfDay: number, timeZone: string): number {
  const asUtc = utcMidnight(date) + secondsOfDay * 1000;
  let utc = asUtc - offsetMs(asUtc, timeZone);
  // One correction step settles the offset on either side of a DST change.
  const corrected = offsetMs(utc, timeZone);
  if (asUtc - utc !== corrected) utc = asUtc - corrected;
  return utc;
}

/** Local midnight to the next local midnight (23, 24 or 25 hours). */
export function dayBounds(date: string, timeZone: string): { startMs: number; endMs: number } {
  return { startMs: zonedToUtc(date, 0, timeZone), endMs: zonedToUtc(addDays(date, 1), 0, timeZone) };
}

/** Parses "YYYY-MM-DD HH:MM[:SS]" (or with a "T"); undefined when malformed. */
export function parseLocalDateTime(value: string): { date: string; secondsOfDay: number } | undefined {
  const m = LOCAL_DATE_TIME.exec(value);
  if (!m || !m[1] || !isIsoDate(m[1])) return undefined;
  const [hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return { date: m[1], secondsOfDay: (hour * 60 + minute) * 60 + second };
}
