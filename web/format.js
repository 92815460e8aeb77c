// One date format for the whole page: a day is "Mon 30 Nov", a moment "Mon 30 Nov 07:15"
// (24 h, in the user's Garmin time zone). Built by hand so it reads the same whatever the
// browser's locale; numbers use "," for thousands for the same reason.

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;

const utcDay = (isoDate) => new Date(`${isoDate}T00:00:00Z`);

/** 'YYYY-MM-DD' → { weekday: 'Mon', dayMonth: '30 Nov' }: the two halves of the one format, for axis labels. */
export const dayParts = (isoDate) => {
  const d = utcDay(isoDate);
  return { weekday: WEEKDAYS[d.getUTCDay()], dayMonth: `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}` };
};

/** 'YYYY-MM-DD' → 'Mon 30 Nov'. */
export const formatDay = (isoDate) => {
  const { weekday, dayMonth } = dayParts(isoDate);
  return `${weekday} ${dayMonth}`;
};

export const addDays = (isoDate, days) => new Date(utcDay(isoDate).getTime() + days * DAY_MS).toISOString().slice(0, 10);

/** Every date from `from` through `to`. */
export const datesFrom = (from, to) => {
  const dates = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  return dates;
};

/** Wall clock of an instant in a zone: { date: 'YYYY-MM-DD', time: 'HH:MM' }. */
export const wallClock = (instant, timeZone) => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
};

/** ISO instant → 'Mon 30 Nov 07:15' in the zone; '–' for none. */
export const formatMoment = (instant, timeZone) => {
  if (!instant) return '–';
  const { date, time } = wallClock(instant, timeZone);
  return `${formatDay(date)} ${time}`;
};

/** Garmin's local 'YYYY-MM-DD HH:MM:SS' → 'Mon 30 Nov 07:15'. */
export const formatLocal = (local) => `${formatDay(local.slice(0, 10))} ${local.slice(11, 16)}`;

/** 12345.6 → '12,346' (or with `digits` decimals); '–' for none. */
export const formatNumber = (value, digits = 0) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '–';
  const [whole, fraction] = Math.abs(value).toFixed(digits).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = value < 0 && Number(Math.abs(value).toFixed(digits)) !== 0 ? '−' : '';
  return `${sign}${grouped}${fraction ? `.${fraction}` : ''}`;
};

/** 27120 s → '7 h 32 min'; 2700 s → '45 min'. */
export const formatDuration = (seconds) => {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '–';
  const minutes = Math.round(seconds / 60);
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min` : `${minutes} min`;
};
