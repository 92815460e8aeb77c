/**
 * Daily summaries (/usersummary-service/usersummary/daily). A past day is a pure function
 * of account and date; today is provisional: its running totals grow with the share of the
 * local day that has passed and only include activities that have ended.
 */
import type { Account } from './accounts';
import { activitiesOn, endMs, historyWindow } from './activities';
import { Rng } from './prng';
import { addDays, dayBounds, localDateTime, summaryTimestamp, utcDateTime } from './zoned-time';

const FIGURES = [
  'totalKilocalories',
  'activeKilocalories',
  'bmrKilocalories',
  'wellnessKilocalories',
  'wellnessActiveKilocalories',
  'remainingKilocalories',
  'totalSteps',
  'dailyStepGoal',
  'totalDistanceMeters',
  'wellnessDistanceMeters',
  'highlyActiveSeconds',
  'activeSeconds',
  'sedentarySeconds',
  'sleepingSeconds',
  'moderateIntensityMinutes',
  'vigorousIntensityMinutes',
  'intensityMinutesGoal',
  'floorsAscendedInMeters',
  'floorsDescendedInMeters',
  'floorsAscended',
  'floorsDescended',
  'userFloorsAscendedGoal',
  'minHeartRate',
  'maxHeartRate',
  'restingHeartRate',
  'lastSevenDaysAvgRestingHeartRate',
  'averageStressLevel',
  'maxStressLevel',
  'stressDuration',
  'restStressDuration',
  'activityStressDuration',
  'lowStressDuration',
  'mediumStressDuration',
  'highStressDuration',
  'bodyBatteryChargedValue',
  'bodyBatteryDrainedValue',
  'bodyBatteryHighestValue',
  'bodyBatteryLowestValue',
  'bodyBatteryMostRecentValue',
  'averageSpo2',
  'lowestSpo2',
  'avgWakingRespirationValue',
] as const;

type Figures = Record<(typeof FIGURES)[number], number>;

const round = (value: number, decimals = 0) => Math.round(value * 10 ** decimals) / 10 ** decimals;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

function restingHeartRate(account: Account, date: string): number {
  return account.restingHeartRate + new Rng(`${account.seed}|rhr|${date}`).int(-3, 4);
}

/** `elapsedSeconds` is the part of the day that has passed (all of it for past days). */
function figures(account: Account, date: string, elapsedSeconds: number, daySeconds: number, nowMs: number): { figures: Figures; hasActivities: boolean } {
  // Every draw happens whatever the day's progress, so the sequence never shifts.
  const rng = new Rng(`${account.seed}|wellness|${date}`);
  const f = elapsedSeconds / daySeconds;
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

  const activities = activitiesOn(account, date).filter((a) => endMs(a) <= nowMs);
  const activitySeconds = sum(activities.map((a) => a.duration));
  const activityKcal = sum(activities.map((a) => a.calories));
  const steps = Math.round(baseSteps * f) + sum(activities.map((a) => a.steps ?? 0));
  const bmr = Math.round(account.bmrKilocalories * f);
  const active = Math.round(baseActiveKcal * f) + activityKcal;
  const sleeping = Math.min(sleep, Math.round(elapsedSeconds));
  const highlyActive = Math.round(baseHighlyActive * f + activitySeconds * 0.6);
  const activeSeconds = Math.round(baseActive * f + activitySeconds * 0.4);
  const awake = Math.max(0, Math.round(elapsedSeconds) - sleeping);
  const floorsUp = round(floors * f, 3);
  const floorsDown = round(floorsUp * floorsDownRatio, 3);
  const resting = restingHeartRate(account, date);
  const previousWeek = Array.from({ length: 7 }, (_, i) => restingHeartRate(account, addDays(date, -(i + 1))));
  const stressed = Math.round(awake * 0.45);

  return {
    hasActivities: activities.length > 0,
    figures: {
      totalKilocalories: bmr + active,
      activeKilocalories: active,
      bmrKilocalories: bmr,
      wellnessKilocalories: bmr + active,
      wellnessActiveKilocalories: active,
      remainingKilocalories: bmr + active,
      totalSteps: steps,
      dailyStepGoal: account.dailyStepGoal,
      totalDistanceMeters: Math.round(steps * 0.78),
      wellnessDistanceMeters: Math.round(steps * 0.78),
      highlyActiveSeconds: highlyActive,
      activeSeconds,
      sedentarySeconds: Math.max(0, awake - highlyActive - activeSeconds),
      sleepingSeconds: sleeping,
      moderateIntensityMinutes: Math.round(baseModerate * f) + sum(activities.map((a) => a.moderateIntensityMinutes)),
      vigorousIntensityMinutes: Math.round(baseVigorous * f) + sum(activities.map((a) => a.vigorousIntensityMinutes)),
      intensityMinutesGoal: 150,
      floorsAscendedInMeters: round(floorsUp * 3.048, 3),
      floorsDescendedInMeters: round(floorsDown * 3.048, 3),
      floorsAscended: floorsUp,
      floorsDescended: floorsDown,
      userFloorsAscendedGoal: 10,
      minHeartRate: resting - minHrDrop,
      maxHeartRate: Math.max(wellnessMaxHr, ...activities.map((a) => a.maxHR)),
      restingHeartRate: resting,
      lastSevenDaysAvgRestingHeartRate: Math.round(sum(previousWeek) / previousWeek.length),
      averageStressLevel: averageStress,
      maxStressLevel: maxStress,
      stressDuration: stressed,
      restStressDuration: awake - stressed,
      activityStressDuration: Math.round(activitySeconds),
      lowStressDuration: Math.round(stressed * 0.6),
      mediumStressDuration: Math.round(stressed * 0.3),
      highStressDuration: stressed - Math.round(stressed * 0.6) - Math.round(stressed * 0.3),
      bodyBatteryChargedValue: Math.round(bodyBatteryCharged * Math.min(1, sleeping / sleep)),
      bodyBatteryDrainedValue: Math.round((bodyBatteryHigh - bodyBatteryLow) * f),
      bodyBatteryHighestValue: bodyBatteryHigh,
      bodyBatteryLowestValue: bodyBatteryLow,
      bodyBatteryMostRecentValue: Math.round(bodyBatteryHigh - (bodyBatteryHigh - bodyBatteryLow) * f),
      averageSpo2,
      lowestSpo2: averageSpo2 - spo2Drop,
      avgWakingRespirationValue: respiration,
    },
  };
}

const noFigures = (): Record<(typeof FIGURES)[number], null> =>
  Object.fromEntries(FIGURES.map((k) => [k, null])) as Record<(typeof FIGURES)[number], null>;

export function dailySummary(account: Account, date: string, nowMs: number): Record<string, unknown> {
  const { first, today } = historyWindow(account, nowMs);
  const { startMs, endMs: dayEndMs } = dayBounds(date, account.timeZone);
  const tz = account.timeZone;
  const hasData = date >= first && date <= today;
  const provisional = date === today;
  const wellnessEndMs = provisional ? Math.max(startMs, Math.min(nowMs, dayEndMs)) : dayEndMs;
  const computed = hasData
    ? figures(account, date, (wellnessEndMs - startMs) / 1000, (dayEndMs - startMs) / 1000, nowMs)
    : undefined;
  const uuid = new Rng(`${account.seed}|uuid|${date}`).hex(32);
  return {
    userProfileId: account.profileId,
    ...(computed ? computed.figures : noFigures()),
    burnedKilocalories: null,
    consumedKilocalories: null,
    netCalorieGoal: null,
    userDailySummaryId: hasData ? account.profileId : null,
    calendarDate: date,
    rule: hasData ? { typeId: 2, typeKey: 'private' } : null,
    uuid: hasData ? uuid : null,
    wellnessStartTimeGmt: summaryTimestamp(utcDateTime(startMs)),
    wellnessStartTimeLocal: summaryTimestamp(localDateTime(startMs, tz)),
    wellnessEndTimeGmt: summaryTimestamp(utcDateTime(wellnessEndMs)),
    wellnessEndTimeLocal: summaryTimestamp(localDateTime(wellnessEndMs, tz)),
    durationInMilliseconds: wellnessEndMs - startMs,
    wellnessDescription: null,
    includesWellnessData: hasData,
    includesActivityData: computed?.hasActivities ?? false,
    includesCalorieConsumedData: false,
    privacyProtected: false,
    source: 'GARMIN',
    lastSyncTimestampGMT: hasData ? summaryTimestamp(utcDateTime(wellnessEndMs)) : null,
  };
}
