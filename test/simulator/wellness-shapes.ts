/**
 * Weigh-ins, hydration and sleep as Garmin shapes them, generated per account and date (pure
 * functions of account, date and now, like the daily summaries). Key sets and order follow
 * recorded responses (VCR cassettes of real Garmin answers):
 * - weight day view and date range (/weight-service/weight/dayview/{date},
 *   /weight-service/weight/range/{start}/{end}): grams, `date` as local wall-clock epoch ms next
 *   to `timestampGMT`, body composition null for a manual weigh-in, days newest first:
 *   https://github.com/matin/garth/blob/main/tests/data/cassettes/test_get_daily_weight_data.yaml
 *   https://github.com/matin/garth/blob/main/tests/data/cassettes/test_weight_data_list.yaml
 * - hydration daily summary and its log (PUT answers the day's summary):
 *   https://github.com/cyberjunky/python-garminconnect/blob/1aedf0b2b1a04fb1b2c103483424e1729b078793/tests/cassettes/test_hydration_data.yaml
 *   https://github.com/matin/garth/blob/main/tests/stats/cassettes/test_daily_hydration_log.yaml
 * - daily sleep data (/wellness-service/wellness/dailySleepData/{displayName}):
 *   https://github.com/matin/garth/blob/main/tests/data/cassettes/test_sleep_data_get.yaml
 *   (recorded before sleep scores existed; `sleepScores.overall` is the field garminconnect's
 *   typed model reads, garminconnect/typed.py `DailySleepDTO.sleep_scores`).
 */
import type { Account } from './accounts';
import { activitiesOn, historyWindow } from './activities';
import { Rng } from './prng';
import { dayBounds, epochDay, zonedToUtc } from './zoned-time';

export type Raw = Record<string, unknown>;

const round1 = (value: number) => Math.round(value * 10) / 10;

/** Epoch ms of the wall-clock time, read as if it were UTC: Garmin's `date` / `*Local` figures. */
const wallClockMs = (utcMs: number, date: string, account: Account): number => {
  const { startMs } = dayBounds(date, account.timeZone);
  return Date.parse(`${date}T00:00:00Z`) + (utcMs - startMs);
};

const NO_COMPOSITION = { bmi: null, bodyFat: null, bodyWater: null, boneMass: null, muscleMass: null, physiqueRating: null, visceralFat: null, metabolicAge: null };

/** One weigh-in in the recorded key order. */
export function weighIn(
  account: Account,
  date: string,
  atMs: number,
  grams: number,
  composition: { bmi: number; bodyFat: number; bodyWater: number; boneMass: number; muscleMass: number } | undefined,
  sourceType: string,
): Raw {
  return {
    samplePk: atMs + 25_000,
    date: wallClockMs(atMs, date, account),
    calendarDate: date,
    weight: grams,
    ...NO_COMPOSITION,
    ...(composition ?? {}),
    sourceType,
    timestampGMT: atMs,
    weightDelta: null,
  };
}

/** The generated weigh-ins of a day: about every third morning, with a scale's body composition on most. */
export function generatedWeighIns(account: Account, date: string, nowMs: number): Raw[] {
  const { first, today } = historyWindow(account, nowMs);
  if (!account.seeded || date < first || date > today) return [];
  const rng = new Rng(`${account.seed}|weight|${date}`);
  const weighs = rng.next() < 0.35;
  const atMs = zonedToUtc(date, rng.int(6.5 * 3600, 8 * 3600), account.timeZone);
  const drift = Math.sin(epochDay(date) / 45) * 1500;
  const grams = Math.round(account.weightGrams + drift + rng.int(-400, 400));
  const scale = rng.next() < 0.7;
  if (!weighs || atMs > nowMs) return [];
  const heightM = account.heightCm / 100;
  const composition = scale
    ? {
        bmi: round1(grams / 1000 / (heightM * heightM)),
        bodyFat: round1(rng.float(16, 22)),
        bodyWater: round1(rng.float(55, 60)),
        boneMass: Math.round(grams * 0.045),
        muscleMass: Math.round(grams * 0.44),
      }
    : undefined;
  return [weighIn(account, date, atMs, grams, composition, scale ? 'INDEX_SCALE' : 'MANUAL')];
}

const averageOf = (items: readonly Raw[], key: string): number | null => {
  const values = items.map((i) => i[key]).filter((v): v is number => typeof v === 'number');
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
};

export function totalAverage(items: readonly Raw[], fromMs: number, untilMs: number): Raw {
  const avg = (key: string) => averageOf(items, key);
  return {
    from: fromMs,
    until: untilMs,
    weight: avg('weight'),
    bmi: avg('bmi'),
    bodyFat: avg('bodyFat'),
    bodyWater: avg('bodyWater'),
    boneMass: avg('boneMass'),
    muscleMass: avg('muscleMass'),
    physiqueRating: null,
    visceralFat: null,
    metabolicAge: null,
  };
}

/** `/weight/dayview/{date}`. */
export function dayView(date: string, items: readonly Raw[]): Raw {
  const from = Date.parse(`${date}T00:00:00Z`);
  return { startDate: date, endDate: date, dateWeightList: items, totalAverage: totalAverage(items, from, from + 86_399_999) };
}

const EMPTY_WEIGH_IN = { samplePk: null, date: null, calendarDate: null, weight: null, ...NO_COMPOSITION, sourceType: null, timestampGMT: null, weightDelta: null };

/** `/weight/range/{start}/{end}`: one summary per day that has weigh-ins, newest day first, newest weigh-in first. */
export function weightRange(start: string, end: string, byDate: ReadonlyArray<readonly [string, readonly Raw[]]>): Raw {
  const days = byDate.filter(([, items]) => items.length > 0).sort(([a], [b]) => (a < b ? 1 : -1));
  const summaries = days.map(([date, items]) => {
    const newestFirst = [...items].sort((a, b) => Number(b.timestampGMT) - Number(a.timestampGMT));
    const weights = newestFirst.map((i) => Number(i.weight));
    return {
      summaryDate: date,
      numOfWeightEntries: items.length,
      minWeight: Math.min(...weights),
      maxWeight: Math.max(...weights),
      latestWeight: newestFirst[0],
      allWeightMetrics: newestFirst,
    };
  });
  return {
    dailyWeightSummaries: summaries,
    totalAverage: totalAverage(days.flatMap(([, items]) => items), Date.parse(`${start}T00:00:00Z`), Date.parse(`${end}T00:00:00Z`) + 86_399_999),
    previousDateWeight: EMPTY_WEIGH_IN,
    nextDateWeight: EMPTY_WEIGH_IN,
  };
}

/** `/hydration/daily/{date}` as generated; `loggedMl` is what the log endpoint added to the day. */
export function hydrationDay(account: Account, date: string, nowMs: number, loggedMl: number, lastLogLocal: string | undefined): Raw {
  const { first, today } = historyWindow(account, nowMs);
  const rng = new Rng(`${account.seed}|hydration|${date}`);
  const base = rng.int(4, 11) * 250;
  const hasHistory = account.seeded && date >= first && date <= today;
  const intake = (hasHistory && date < today ? base : 0) + loggedMl;
  const activities = hasHistory ? activitiesOn(account, date) : [];
  const sweat = activities.length ? Math.round(activities.reduce((sum, a) => sum + a.duration, 0) * 0.22) : null;
  return {
    userId: account.profileId,
    calendarDate: date,
    valueInML: intake > 0 || loggedMl !== 0 ? intake : null,
    goalInML: 2800 + (sweat ?? 0),
    dailyAverageinML: null,
    lastEntryTimestampLocal: lastLogLocal ?? (intake > 0 ? `${date}T20:00:00.0` : null),
    sweatLossInML: sweat,
    activityIntakeInML: sweat === null ? null : 0,
  };
}

/** `/dailySleepData/{name}?date=`: the night that ended on the morning of `date`; no night yet is Garmin's empty DTO. */
export function sleepDay(account: Account, date: string, nowMs: number): Raw {
  const { first, today } = historyWindow(account, nowMs);
  const rng = new Rng(`${account.seed}|sleep|${date}`);
  const startMs = zonedToUtc(date, 0, account.timeZone) - rng.int(30 * 60, 150 * 60) * 1000;
  const deep = rng.int(3600, 6000);
  const light = rng.int(12_000, 19_000);
  const rem = rng.int(3000, 7000);
  const awake = rng.int(300, 2400);
  const score = rng.int(55, 92);
  const endMs = startMs + (deep + light + rem + awake) * 1000;
  if (!account.seeded || date < first || date > today || endMs > nowMs) {
    return { dailySleepDTO: { id: null, userProfilePK: account.profileId, calendarDate: date, sleepTimeSeconds: null, sleepVersion: null }, remSleepData: null, sleepMovement: null };
  }
  const local = (ms: number) => wallClockMs(ms, date, account);
  return {
    dailySleepDTO: {
      id: startMs,
      userProfilePK: account.profileId,
      calendarDate: date,
      sleepTimeSeconds: deep + light + rem,
      napTimeSeconds: 0,
      sleepWindowConfirmed: true,
      sleepWindowConfirmationType: 'enhanced_confirmed_final',
      sleepStartTimestampGMT: startMs,
      sleepEndTimestampGMT: endMs,
      sleepStartTimestampLocal: local(startMs),
      sleepEndTimestampLocal: local(endMs),
      autoSleepStartTimestampGMT: null,
      autoSleepEndTimestampGMT: null,
      sleepQualityTypePK: null,
      sleepResultTypePK: null,
      unmeasurableSleepSeconds: 0,
      deepSleepSeconds: deep,
      lightSleepSeconds: light,
      remSleepSeconds: rem,
      awakeSleepSeconds: awake,
      deviceRemCapable: true,
      retro: false,
      sleepFromDevice: true,
      averageRespirationValue: 15.0,
      lowestRespirationValue: 8.0,
      highestRespirationValue: 18.0,
      sleepVersion: 2,
      sleepScores: { overall: { value: score, qualifierKey: score >= 80 ? 'GOOD' : score >= 60 ? 'FAIR' : 'POOR' } },
    },
    sleepMovement: [],
    remSleepData: true,
    sleepLevels: [],
  };
}
