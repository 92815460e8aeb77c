/**
 * The userprofile-service answers: social profile, user settings, personal information,
 * shaped like the recorded ones (recorded.ts): the social profile's `id` is not the
 * `profileId`, and personal information carries the time zone only under `userInfo`.
 */
import type { Account } from './accounts';
import { RECORDED_USER_ROLES } from './recorded';
import { localDate } from './zoned-time';

/** Links, sharing and display choices: the same for every simulated owner. */
const SHARING = {
  facebookUrl: null,
  twitterUrl: null,
  personalWebsite: null,
  motivation: null,
  bio: null,
  primaryActivity: 'running',
  favoriteActivityTypes: ['running', 'cycling'],
  runningTrainingSpeed: 3.1,
  cyclingTrainingSpeed: 7.2,
  favoriteCyclingActivityTypes: [],
  cyclingClassification: null,
  cyclingMaxAvgPower: 0,
  swimmingTrainingSpeed: 0.85,
  profileVisibility: 'private',
  activityStartVisibility: 'private',
  activityMapVisibility: 'public',
  courseVisibility: 'public',
  activityHeartRateVisibility: 'public',
  activityPowerVisibility: 'public',
  badgeVisibility: 'private',
  showAge: false,
  showWeight: false,
  showHeight: false,
  showWeightClass: false,
  showAgeRange: false,
  showGender: false,
  showActivityClass: false,
  showVO2Max: false,
  showPersonalRecords: false,
  showLast12Months: false,
  showLifetimeTotals: false,
  showUpcomingEvents: false,
  showRecentFavorites: false,
  showRecentDevice: false,
  showRecentGear: false,
  showBadges: true,
  otherActivity: null,
  otherPrimaryActivity: null,
  otherMotivation: null,
} as const;

/** Golf settings and the Connect level, the same for every simulated owner. */
const LEVEL_AND_GOLF = {
  makeGolfScorecardsPrivate: true,
  allowGolfLiveScoring: false,
  allowGolfScoringByConnections: true,
  userLevel: 4,
  userPoint: 212,
  levelUpdateDate: '2025-06-01T08:12:44.0',
  levelIsViewed: true,
  levelPointThreshold: 260,
  userPointOffset: 0,
  userPro: false,
} as const;

export function socialProfile(account: Account): Record<string, unknown> {
  return {
    id: account.socialProfileId,
    profileId: account.profileId,
    garminGUID: account.garminGuid,
    displayName: account.displayName,
    fullName: account.fullName,
    userName: account.email,
    profileImageUuid: null,
    profileImageUrlLarge: null,
    profileImageUrlMedium: null,
    profileImageUrlSmall: null,
    location: `${account.city}, ${account.countryCode}`,
    ...SHARING,
    userRoles: [...RECORDED_USER_ROLES],
    nameApproved: true,
    userProfileFullName: account.fullName,
    ...LEVEL_AND_GOLF,
  };
}

export function userSettings(account: Account): Record<string, unknown> {
  return {
    id: account.profileId,
    userData: {
      gender: account.gender,
      weight: account.weightGrams,
      height: account.heightCm,
      timeFormat: 'time_twenty_four_hr',
      birthDate: account.birthDate,
      measurementSystem: 'metric',
      activityLevel: null,
      handedness: 'RIGHT',
      powerFormat: { formatId: 30, formatKey: 'watt', minFraction: 0, maxFraction: 0, groupingUsed: true, displayFormat: null },
      heartRateFormat: { formatId: 21, formatKey: 'bpm', minFraction: 0, maxFraction: 0, groupingUsed: false, displayFormat: null },
      firstDayOfWeek: { dayId: 3, dayName: 'monday', sortOrder: 3, isPossibleFirstDay: true },
      vo2MaxRunning: account.vo2Max,
      vo2MaxCycling: null,
      lactateThresholdSpeed: null,
      lactateThresholdHeartRate: null,
      diveNumber: null,
      intensityMinutesCalcMethod: 'AUTO',
      moderateIntensityMinutesHrZone: 3,
      vigorousIntensityMinutesHrZone: 4,
      hydrationMeasurementUnit: 'milliliter',
      hydrationContainers: [],
      hydrationAutoGoalEnabled: true,
      firstbeatMaxStressScore: null,
      firstbeatCyclingLtTimestamp: null,
      firstbeatRunningLtTimestamp: null,
      thresholdHeartRateAutoDetected: true,
      ftpAutoDetected: null,
      trainingStatusPausedDate: null,
      weatherLocation: null,
      golfDistanceUnit: 'statute_us',
      golfElevationUnit: null,
      golfSpeedUnit: null,
      externalBottomTime: null,
    },
    userSleep: { sleepTime: 80_400, defaultSleepTime: false, wakeTime: 24_000, defaultWakeTime: false },
    connectDate: null,
    sourceType: null,
  };
}

function age(birthDate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

export function personalInformation(account: Account, nowMs: number, includeBiometric: boolean): Record<string, unknown> {
  return {
    userInfo: {
      birthDate: account.birthDate,
      genderType: account.gender,
      email: account.email,
      locale: 'en',
      timeZone: account.timeZone,
      age: age(account.birthDate, localDate(nowMs, account.timeZone)),
      countryCode: account.countryCode,
    },
    biometricProfile: includeBiometric
      ? {
          userId: account.profileId,
          height: account.heightCm,
          weight: account.weightGrams,
          vo2Max: account.vo2Max,
          vo2MaxCycling: null,
          lactateThresholdHeartRate: null,
          activityClass: null,
          functionalThresholdPower: null,
          criticalSwimSpeed: null,
        }
      : null,
    // No top-level timeZone, as at Garmin: garminconnect's get_user_timezone() reads one
    // there (api/base.py) and so finds none; callers must read userInfo.timeZone.
  };
}
