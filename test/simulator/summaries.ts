/**
 * Daily summaries (/usersummary-service/usersummary/daily) with the recorded key set and
 * order (recorded.ts). A past day is a pure function of account and date; today is
 * provisional: its running totals grow with the share of the local day that has passed and
 * only include activities that have ended. A day without wellness data (before the history,
 * in the future, or any day of an unseeded account) is what Garmin answers for it: 200 with
 * the `includes*` flags false, null figures, goals still set and `netRemainingKilocalories` 0.
 */
import type { Account } from './accounts';
import { activitiesOn, endMs, type GeneratedActivity, historyWindow } from './activities';
import { Rng } from './prng';
import { RECORDED_DAILY_SUMMARY } from './recorded';
import { addDays, dayBounds, localDateTime, summaryTimestamp, utcDateTime } from './zoned-time';

type Summary = Record<string, unknown>;

const SUMMARY_KEYS = Object.keys(RECORDED_DAILY_SUMMARY);

const round = (value: number, decimals = 0) => Math.round(value * 10 ** decimals) / 10 ** decimals;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const percent = (part: number, whole: number) => (whole > 0 ? round((part / whole) * 100, 2) : 0);

/** "YYYY-MM-DDTHH:MM:SS", the form of the body battery event timestamps. */
const eventTimestamp = (ms: number) => utcDateTime(ms).replace(' ', 'T');

function restingHeartRate(account: Account, date: string): number {
  return account.restingHeartRate + new Rng(`${account.seed}|rhr|${date}`).int(-3, 4);
}

interface DayClock {
  startMs: number;
  /** End of the wellness data: the day's end, or now for today. */
  wellnessEndMs: number;
  /** The part of the day that has passed (all of it for past days). */
  elapsedSeconds: number;
  daySeconds: number;
}

/** The day's own draws, all made whatever the day's progress so the sequence never shifts. */
function drawDay(account: Account, date: string) {
  const rng = new Rng(`${account.seed}|wellness|${date}`);
  return {
    sleep: rng.int(6 * 3600, 8.5 * 3600),
    baseSteps: rng.int(3500, 9000),
    baseActiveKcal: rng.int(120, 380),
    baseHighlyActive: rng.int(300, 1500),
    baseActive: rng.int(7000, 12_000),
    baseModerate: rng.int(0, 25),
    baseVigorous: rng.int(0, 5),
    floors: rng.float(3, 22),
    floorsDownRatio: rng.float(0.85, 1.05),
    minHrDrop: rng.int(2, 6),
    wellnessMaxHr: rng.int(105, 130),
    averageStress: rng.int(20, 45),
    maxStress: rng.int(70, 96),
    bodyBatteryHigh: rng.int(60, 100),
    bodyBatteryLow: rng.int(5, 35),
    bodyBatteryCharged: rng.int(30, 70),
    averageSpo2: rng.int(93, 98),
    spo2Drop: rng.int(2, 6),
    respiration: rng.int(12, 16),
    altitude: rng.int(20, 600),
    sleepStartOffset: rng.int(-3 * 3600, -3600),
  };
}

/** A day with wellness data as far as `nowMs`: its draws and what the others derive from. */
interface Day {
  account: Account;
  date: string;
  clock: DayClock;
  draws: ReturnType<typeof drawDay>;
  /** The share of the day that has passed. */
  f: number;
  /** The activities that have ended by now. */
  activities: readonly GeneratedActivity[];
  activitySeconds: number;
  sleeping: number;
  awake: number;
}

function dayOf(account: Account, date: string, clock: DayClock, nowMs: number): Day {
  const draws = drawDay(account, date);
  const activities = activitiesOn(account, date).filter((a) => endMs(a) <= nowMs);
  const elapsed = Math.round(clock.elapsedSeconds);
  const sleeping = Math.min(draws.sleep, elapsed);
  const activitySeconds = sum(activities.map((a) => a.duration));
  return { account, date, clock, draws, f: clock.elapsedSeconds / clock.daySeconds, activities, activitySeconds, sleeping, awake: Math.max(0, elapsed - sleeping) };
}

/** Energy, steps and distance. */
function energy({ account, date, draws, f, activities }: Day): Summary {
  const steps = Math.round(draws.baseSteps * f) + sum(activities.map((a) => a.steps ?? 0));
  const bmr = Math.round(account.bmrKilocalories * f);
  const active = Math.round(draws.baseActiveKcal * f) + sum(activities.map((a) => a.calories));
  return {
    totalKilocalories: bmr + active,
    activeKilocalories: active,
    bmrKilocalories: bmr,
    wellnessKilocalories: bmr + active,
    remainingKilocalories: bmr + active,
    totalSteps: steps,
    totalDistanceMeters: Math.round(steps * 0.78),
    wellnessDistanceMeters: Math.round(steps * 0.78),
    wellnessActiveKilocalories: active,
    netRemainingKilocalories: active,
    userDailySummaryId: account.profileId,
    rule: { typeId: 2, typeKey: 'private' },
    uuid: new Rng(`${account.seed}|uuid|${date}`).hex(32),
    includesWellnessData: true,
    includesActivityData: activities.length > 0,
  };
}

/** Time by activity level, intensity minutes and floors. */
function movement({ draws, f, activities, activitySeconds, sleeping, awake }: Day): Summary {
  const highlyActive = Math.round(draws.baseHighlyActive * f + activitySeconds * 0.6);
  const activeSeconds = Math.round(draws.baseActive * f + activitySeconds * 0.4);
  const floorsUp = round(draws.floors * f, 5);
  const floorsDown = round(floorsUp * draws.floorsDownRatio, 5);
  return {
    highlyActiveSeconds: highlyActive,
    activeSeconds,
    sedentarySeconds: Math.max(0, awake - highlyActive - activeSeconds),
    sleepingSeconds: sleeping,
    moderateIntensityMinutes: Math.round(draws.baseModerate * f) + sum(activities.map((a) => a.moderateIntensityMinutes)),
    vigorousIntensityMinutes: Math.round(draws.baseVigorous * f) + sum(activities.map((a) => a.vigorousIntensityMinutes)),
    floorsAscendedInMeters: round(floorsUp * 3.048, 3),
    floorsDescendedInMeters: round(floorsDown * 3.048, 3),
    floorsAscended: floorsUp,
    floorsDescended: floorsDown,
  };
}

function heartRate({ account, date, draws, activities }: Day): Summary {
  const resting = restingHeartRate(account, date);
  const previousWeek = Array.from({ length: 7 }, (_, i) => restingHeartRate(account, addDays(date, -(i + 1))));
  const max = Math.max(draws.wellnessMaxHr, ...activities.map((a) => a.maxHR));
  return {
    minHeartRate: resting - draws.minHrDrop,
    maxHeartRate: max,
    restingHeartRate: resting,
    lastSevenDaysAvgRestingHeartRate: Math.round(sum(previousWeek) / previousWeek.length),
    minAvgHeartRate: resting - draws.minHrDrop + 1,
    maxAvgHeartRate: max - 3,
  };
}

function stress({ draws, activitySeconds, sleeping, awake }: Day): Summary {
  const stressed = Math.round(awake * 0.45);
  const activityStress = Math.min(Math.round(activitySeconds), awake - stressed);
  const uncategorized = Math.round((awake - stressed - activityStress) * 0.1);
  const restStress = awake - stressed - activityStress - uncategorized + sleeping;
  const totalStress = stressed + restStress + activityStress + uncategorized;
  const low = Math.round(stressed * 0.6);
  const medium = Math.round(stressed * 0.3);
  const high = stressed - low - medium;
  return {
    averageStressLevel: draws.averageStress,
    maxStressLevel: draws.maxStress,
    stressDuration: stressed,
    restStressDuration: restStress,
    activityStressDuration: activityStress,
    uncategorizedStressDuration: uncategorized,
    totalStressDuration: totalStress,
    lowStressDuration: low,
    mediumStressDuration: medium,
    highStressDuration: high,
    stressPercentage: percent(stressed, totalStress),
    restStressPercentage: percent(restStress, totalStress),
    activityStressPercentage: percent(activityStress, totalStress),
    uncategorizedStressPercentage: percent(uncategorized, totalStress),
    lowStressPercentage: percent(low, totalStress),
    mediumStressPercentage: percent(medium, totalStress),
    highStressPercentage: percent(high, totalStress),
    stressQualifier: draws.averageStress < 26 ? 'CALM' : draws.averageStress < 36 ? 'BALANCED' : 'STRESSFUL',
    measurableAwakeDuration: awake,
    measurableAsleepDuration: sleeping,
  };
}

const feedback = (atMs: number, level: string, type: string) => ({
  eventTimestampGmt: eventTimestamp(atMs),
  bodyBatteryLevel: level,
  feedbackShortType: type,
  feedbackLongType: type,
});

/** The night's sleep as a body battery event. */
function sleepEvent({ account, clock, draws }: Day): Record<string, unknown> {
  const startMs = clock.startMs + draws.sleepStartOffset * 1000;
  return {
    eventType: 'SLEEP',
    eventStartTimeGmt: eventTimestamp(startMs),
    timezoneOffset: Date.parse(`${localDateTime(clock.startMs, account.timeZone).replace(' ', 'T')}Z`) - clock.startMs,
    durationInMilliseconds: draws.sleep * 1000,
    bodyBatteryImpact: draws.bodyBatteryCharged,
    feedbackType: 'NONE',
    shortFeedback: 'NONE',
    deviceId: account.deviceId,
    activityName: null,
    activityType: null,
    activityId: null,
    eventUpdateTimeGmt: eventTimestamp(startMs + draws.sleep * 1000),
  };
}

function bodyBattery(day: Day): Summary {
  const { clock, draws, f, sleeping } = day;
  const mostRecent = Math.round(draws.bodyBatteryHigh - (draws.bodyBatteryHigh - draws.bodyBatteryLow) * f);
  const charged = Math.round(draws.bodyBatteryCharged * Math.min(1, sleeping / draws.sleep));
  return {
    bodyBatteryChargedValue: charged,
    bodyBatteryDrainedValue: Math.round((draws.bodyBatteryHigh - draws.bodyBatteryLow) * f),
    bodyBatteryHighestValue: draws.bodyBatteryHigh,
    bodyBatteryLowestValue: draws.bodyBatteryLow,
    bodyBatteryMostRecentValue: mostRecent,
    bodyBatteryDuringSleep: charged,
    bodyBatteryAtWakeTime: draws.bodyBatteryHigh,
    bodyBatteryVersion: 3,
    bodyBatteryDynamicFeedbackEvent: feedback(clock.wellnessEndMs, mostRecent >= 50 ? 'HIGH' : 'MODERATE', 'RECOVERING_AND_INACTIVE'),
    endOfDayBodyBatteryDynamicFeedbackEvent: feedback(clock.startMs, 'HIGH', 'SLEEP_TIME_PASSED_RECOVERING_AND_EXERCISE'),
    bodyBatteryActivityEventList: [sleepEvent(day)],
  };
}

/** Blood oxygen, respiration and altitude. */
function breathing({ account, clock, draws }: Day): Summary {
  const spo2ReadingMs = clock.startMs + draws.sleep * 1000;
  return {
    averageSpo2: draws.averageSpo2,
    lowestSpo2: draws.averageSpo2 - draws.spo2Drop,
    latestSpo2: draws.averageSpo2,
    latestSpo2ReadingTimeGmt: summaryTimestamp(utcDateTime(spo2ReadingMs)),
    latestSpo2ReadingTimeLocal: summaryTimestamp(localDateTime(spo2ReadingMs, account.timeZone)),
    averageMonitoringEnvironmentAltitude: draws.altitude,
    avgWakingRespirationValue: draws.respiration,
    highestRespirationValue: draws.respiration + 9,
    lowestRespirationValue: draws.respiration - 7,
    latestRespirationValue: draws.respiration - 2,
    latestRespirationTimeGMT: summaryTimestamp(utcDateTime(clock.wellnessEndMs)),
    respirationAlgorithmVersion: 200,
  };
}

/** The figures of a day with wellness data (put in the recorded order by inRecordedOrder). */
function figures(account: Account, date: string, clock: DayClock, nowMs: number): Summary {
  const day = dayOf(account, date, clock, nowMs);
  return { ...energy(day), ...movement(day), ...heartRate(day), ...stress(day), ...bodyBattery(day), ...breathing(day) };
}

/** Puts `values` in the recorded key order; recorded keys without a value are null. */
function inRecordedOrder(values: Summary): Summary {
  return Object.fromEntries(SUMMARY_KEYS.map((key) => [key, key in values ? values[key] : null]));
}

/** The fields every answer has, data or not. */
function frame(account: Account, date: string, clock: DayClock): Summary {
  const tz = account.timeZone;
  return {
    userProfileId: account.profileId,
    calendarDate: date,
    dailyStepGoal: account.dailyStepGoal,
    intensityMinutesGoal: 150,
    userFloorsAscendedGoal: 10,
    wellnessStartTimeGmt: summaryTimestamp(utcDateTime(clock.startMs)),
    wellnessStartTimeLocal: summaryTimestamp(localDateTime(clock.startMs, tz)),
    wellnessEndTimeGmt: summaryTimestamp(utcDateTime(clock.wellnessEndMs)),
    wellnessEndTimeLocal: summaryTimestamp(localDateTime(clock.wellnessEndMs, tz)),
    durationInMilliseconds: clock.wellnessEndMs - clock.startMs,
    includesWellnessData: false,
    includesActivityData: false,
    includesCalorieConsumedData: false,
    privacyProtected: false,
    netRemainingKilocalories: 0,
    source: 'GARMIN',
  };
}

function dayClock(account: Account, date: string, nowMs: number, provisional: boolean): DayClock {
  const { startMs, endMs: dayEndMs } = dayBounds(date, account.timeZone);
  const wellnessEndMs = provisional ? Math.max(startMs, Math.min(nowMs, dayEndMs)) : dayEndMs;
  return { startMs, wellnessEndMs, elapsedSeconds: (wellnessEndMs - startMs) / 1000, daySeconds: (dayEndMs - startMs) / 1000 };
}

export function dailySummary(account: Account, date: string, nowMs: number): Summary {
  const { first, today } = historyWindow(account, nowMs);
  const hasData = account.seeded && date >= first && date <= today;
  const clock = dayClock(account, date, nowMs, date === today);
  const base = frame(account, date, clock);
  return inRecordedOrder(hasData ? { ...base, ...figures(account, date, clock, nowMs) } : base);
}

/** Garmin's answer for a day without wellness data, whatever the generator would say. */
export function noDataSummary(account: Account, date: string, nowMs: number): Summary {
  return inRecordedOrder(frame(account, date, dayClock(account, date, nowMs, date === historyWindow(account, nowMs).today)));
}

/** A day the owner's privacy settings hide: no figures, `privacyProtected` true. */
export function privacyProtectedSummary(account: Account, date: string, nowMs: number): Summary {
  return { ...noDataSummary(account, date, nowMs), privacyProtected: true };
}
