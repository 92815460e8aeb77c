/**
 * Daily summaries (/usersummary-service/usersummary/daily) with the recorded key set and
 * order (recorded.ts). A past day is a pure function of account and date; today is
 * provisional: its running totals grow with the share of the local day that has passed and
 * only include activities that have ended. A day without wellness data (before the history,
 * in the future, or any day of an unseeded account) is what Garmin answers for it: 200 with
 * the `includes*` flags false, null figures, goals still set and `netRemainingKilocalories` 0.
 */
import type { Account } from './accounts';
import { activitiesOn, endMs, historyWindow } from './activities';
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

/** The figures of a day with wellness data. */
function figures(account: Account, date: string, clock: DayClock, nowMs: number): Summary {
  // Every draw happens whatever the day's progress, so the sequence never shifts.
  const rng = new Rng(`${account.seed}|wellness|${date}`);
  const f = clock.elapsedSeconds / clock.daySeconds;
  const sleep = rng.int(6 * 3600, 8.5 * 3600);
  const baseSteps = rng.int(3500, 9000);
  const baseActiveKcal = rng.int(120, 380);
  const baseHighlyActive = rng.int(300, 1500);
  const baseActive = rng.int(7000, 12_000);
  const baseModerate = rng.int(0, 25);
  const baseVigorous = rng.int(0, 5);
  const floors = rng.float(3, 22);
  const floorsDownRatio = rng.float(0.85, 1.05);
  const minHrDrop = rng.int(2, 6);
  const wellnessMaxHr = rng.int(105, 130);
  const averageStress = rng.int(20, 45);
  const maxStress = rng.int(70, 96);
  const bodyBatteryHigh = rng.int(60, 100);
  const bodyBatteryLow = rng.int(5, 35);
  const bodyBatteryCharged = rng.int(30, 70);
  const averageSpo2 = rng.int(93, 98);
  const spo2Drop = rng.int(2, 6);
  const respiration = rng.int(12, 16);
  const altitude = rng.int(20, 600);
  const sleepStartOffset = rng.int(-3 * 3600, -3600);

  const activities = activitiesOn(account, date).filter((a) => endMs(a) <= nowMs);
  const activitySeconds = sum(activities.map((a) => a.duration));
  const activityKcal = sum(activities.map((a) => a.calories));
  const steps = Math.round(baseSteps * f) + sum(activities.map((a) => a.steps ?? 0));
  const bmr = Math.round(account.bmrKilocalories * f);
  const active = Math.round(baseActiveKcal * f) + activityKcal;
  const elapsed = Math.round(clock.elapsedSeconds);
  const sleeping = Math.min(sleep, elapsed);
  const highlyActive = Math.round(baseHighlyActive * f + activitySeconds * 0.6);
  const activeSeconds = Math.round(baseActive * f + activitySeconds * 0.4);
  const awake = Math.max(0, elapsed - sleeping);
  const floorsUp = round(floors * f, 5);
  const floorsDown = round(floorsUp * floorsDownRatio, 5);
  const resting = restingHeartRate(account, date);
  const previousWeek = Array.from({ length: 7 }, (_, i) => restingHeartRate(account, addDays(date, -(i + 1))));
  const stressed = Math.round(awake * 0.45);
  const activityStress = Math.min(Math.round(activitySeconds), awake - stressed);
  const uncategorized = Math.round((awake - stressed - activityStress) * 0.1);
  const restStress = awake - stressed - activityStress - uncategorized + sleeping;
  const totalStress = stressed + restStress + activityStress + uncategorized;
  const low = Math.round(stressed * 0.6);
  const medium = Math.round(stressed * 0.3);
  const high = stressed - low - medium;
  const sleepEventStartMs = clock.startMs + sleepStartOffset * 1000;
  const mostRecentBodyBattery = Math.round(bodyBatteryHigh - (bodyBatteryHigh - bodyBatteryLow) * f);
  const feedback = (atMs: number, level: string, type: string) => ({
    eventTimestampGmt: eventTimestamp(atMs),
    bodyBatteryLevel: level,
    feedbackShortType: type,
    feedbackLongType: type,
  });

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
    highlyActiveSeconds: highlyActive,
    activeSeconds,
    sedentarySeconds: Math.max(0, awake - highlyActive - activeSeconds),
    sleepingSeconds: sleeping,
    includesWellnessData: true,
    includesActivityData: activities.length > 0,
    moderateIntensityMinutes: Math.round(baseModerate * f) + sum(activities.map((a) => a.moderateIntensityMinutes)),
    vigorousIntensityMinutes: Math.round(baseVigorous * f) + sum(activities.map((a) => a.vigorousIntensityMinutes)),
    floorsAscendedInMeters: round(floorsUp * 3.048, 3),
    floorsDescendedInMeters: round(floorsDown * 3.048, 3),
    floorsAscended: floorsUp,
    floorsDescended: floorsDown,
    minHeartRate: resting - minHrDrop,
    maxHeartRate: Math.max(wellnessMaxHr, ...activities.map((a) => a.maxHR)),
    restingHeartRate: resting,
    lastSevenDaysAvgRestingHeartRate: Math.round(sum(previousWeek) / previousWeek.length),
    averageStressLevel: averageStress,
    maxStressLevel: maxStress,
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
    stressQualifier: averageStress < 26 ? 'CALM' : averageStress < 36 ? 'BALANCED' : 'STRESSFUL',
    measurableAwakeDuration: awake,
    measurableAsleepDuration: sleeping,
    minAvgHeartRate: resting - minHrDrop + 1,
    maxAvgHeartRate: Math.max(wellnessMaxHr, ...activities.map((a) => a.maxHR)) - 3,
    bodyBatteryChargedValue: Math.round(bodyBatteryCharged * Math.min(1, sleeping / sleep)),
    bodyBatteryDrainedValue: Math.round((bodyBatteryHigh - bodyBatteryLow) * f),
    bodyBatteryHighestValue: bodyBatteryHigh,
    bodyBatteryLowestValue: bodyBatteryLow,
    bodyBatteryMostRecentValue: mostRecentBodyBattery,
    bodyBatteryDuringSleep: Math.round(bodyBatteryCharged * Math.min(1, sleeping / sleep)),
    bodyBatteryAtWakeTime: bodyBatteryHigh,
    bodyBatteryVersion: 3,
    averageSpo2,
    lowestSpo2: averageSpo2 - spo2Drop,
    latestSpo2: averageSpo2,
    latestSpo2ReadingTimeGmt: summaryTimestamp(utcDateTime(clock.startMs + sleep * 1000)),
    latestSpo2ReadingTimeLocal: summaryTimestamp(localDateTime(clock.startMs + sleep * 1000, account.timeZone)),
    averageMonitoringEnvironmentAltitude: altitude,
    bodyBatteryDynamicFeedbackEvent: feedback(clock.wellnessEndMs, mostRecentBodyBattery >= 50 ? 'HIGH' : 'MODERATE', 'RECOVERING_AND_INACTIVE'),
    endOfDayBodyBatteryDynamicFeedbackEvent: feedback(clock.startMs, 'HIGH', 'SLEEP_TIME_PASSED_RECOVERING_AND_EXERCISE'),
    bodyBatteryActivityEventList: [
      {
        eventType: 'SLEEP',
        eventStartTimeGmt: eventTimestamp(sleepEventStartMs),
        timezoneOffset: Date.parse(`${localDateTime(clock.startMs, account.timeZone).replace(' ', 'T')}Z`) - clock.startMs,
        durationInMilliseconds: sleep * 1000,
        bodyBatteryImpact: bodyBatteryCharged,
        feedbackType: 'NONE',
        shortFeedback: 'NONE',
        deviceId: account.deviceId,
        activityName: null,
        activityType: null,
        activityId: null,
        eventUpdateTimeGmt: eventTimestamp(sleepEventStartMs + sleep * 1000),
      },
    ],
    avgWakingRespirationValue: respiration,
    highestRespirationValue: respiration + 9,
    lowestRespirationValue: respiration - 7,
    latestRespirationValue: respiration - 2,
    latestRespirationTimeGMT: summaryTimestamp(utcDateTime(clock.wellnessEndMs)),
    respirationAlgorithmVersion: 200,
  };
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
