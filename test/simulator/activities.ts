/**
 * Activities: generated ones (a pure function of account and local date) plus ones a test
 * adds through the control API, and the activity list search over both.
 */
import type { Account } from './accounts';
import { setBounded } from './bounded';
import { Rng } from './prng';
import { addDays, epochDay, localDate, localDateTime, parseLocalDateTime, utcDateTime, zonedToUtc } from './zoned-time';

interface ActivityKind {
  typeId: number;
  typeKey: string;
  parentTypeId: number;
  parentTypeKey: string;
  /** How often the kind is picked relative to the others. */
  weight: number;
  name: (city: string) => string;
  minutes: readonly [number, number];
  /** m/s while moving; 0 for stationary kinds. */
  speed: readonly [number, number];
  heartRate: readonly [number, number];
  kcalPerMinute: number;
  /** Set for foot activities, which count steps. */
  cadence?: readonly [number, number];
  elevationGain?: readonly [number, number];
  gps: boolean;
  pool?: boolean;
  strength?: boolean;
}

// typeIds and parent ids as Garmin uses them (17 = "all", 26 = swimming, 29 = fitness_equipment).
const KINDS: readonly ActivityKind[] = [
  {
    typeId: 1, typeKey: 'running', parentTypeId: 17, parentTypeKey: 'all', weight: 35,
    name: (city) => `${city} Running`, minutes: [25, 75], speed: [2.6, 3.6], heartRate: [138, 165],
    kcalPerMinute: 11, cadence: [160, 182], elevationGain: [10, 160], gps: true,
  },
  {
    typeId: 2, typeKey: 'cycling', parentTypeId: 17, parentTypeKey: 'all', weight: 20,
    name: (city) => `${city} Cycling`, minutes: [40, 150], speed: [6, 8.5], heartRate: [118, 150],
    kcalPerMinute: 9, elevationGain: [50, 900], gps: true,
  },
  {
    typeId: 27, typeKey: 'lap_swimming', parentTypeId: 26, parentTypeKey: 'swimming', weight: 8,
    name: () => 'Pool Swim', minutes: [25, 60], speed: [0.7, 1], heartRate: [115, 145],
    kcalPerMinute: 9, gps: false, pool: true,
  },
  {
    typeId: 9, typeKey: 'walking', parentTypeId: 17, parentTypeKey: 'all', weight: 15,
    name: (city) => `${city} Walking`, minutes: [20, 70], speed: [1.2, 1.6], heartRate: [88, 112],
    kcalPerMinute: 4.5, cadence: [100, 120], elevationGain: [2, 40], gps: true,
  },
  {
    typeId: 13, typeKey: 'strength_training', parentTypeId: 29, parentTypeKey: 'fitness_equipment', weight: 12,
    name: () => 'Strength', minutes: [30, 70], speed: [0, 0], heartRate: [95, 125],
    kcalPerMinute: 6, gps: false, strength: true,
  },
  {
    typeId: 3, typeKey: 'hiking', parentTypeId: 17, parentTypeKey: 'all', weight: 10,
    name: (city) => `${city} Hiking`, minutes: [90, 300], speed: [0.9, 1.3], heartRate: [105, 135],
    kcalPerMinute: 6.5, cadence: [90, 110], elevationGain: [200, 1200], gps: true,
  },
];

const ACTIVITY_TYPE_KEYS = KINDS.map((k) => k.typeKey);

/** One item of /activitylist-service/activities/search/activities. */
export interface GarminActivity {
  activityId: number;
  activityName: string;
  description: null;
  startTimeLocal: string;
  startTimeGMT: string;
  activityType: { typeId: number; typeKey: string; parentTypeId: number; isHidden: false; restricted: false; trimmable: boolean };
  eventType: { typeId: number; typeKey: string; sortOrder: number };
  distance: number;
  duration: number;
  elapsedDuration: number;
  movingDuration: number;
  elevationGain: number | null;
  elevationLoss: number | null;
  averageSpeed: number;
  maxSpeed: number | null;
  startLatitude: number | null;
  startLongitude: number | null;
  endLatitude: number | null;
  endLongitude: number | null;
  locationName: string | null;
  hasPolyline: boolean;
  hasImages: false;
  hasVideo: false;
  hasSplits: boolean;
  ownerId: number;
  ownerDisplayName: string;
  ownerFullName: string;
  calories: number;
  bmrCalories: number;
  averageHR: number;
  maxHR: number;
  steps?: number;
  averageRunningCadenceInStepsPerMinute?: number;
  maxRunningCadenceInStepsPerMinute?: number;
  poolLength?: number;
  unitOfPoolLength?: { unitId: number; unitKey: string; factor: number };
  activeLengths?: number;
  totalSets?: number;
  activeSets?: number;
  totalReps?: number;
  aerobicTrainingEffect: number;
  anaerobicTrainingEffect: number;
  moderateIntensityMinutes: number;
  vigorousIntensityMinutes: number;
  deviceId: number;
  manufacturer: 'GARMIN';
  timeZoneId: number;
  beginTimestamp: number;
  lapCount: number;
  privacy: { typeId: number; typeKey: string };
  userPro: false;
  favorite: false;
  pr: false;
  manualActivity: false;
  autoCalcCalories: false;
  elevationCorrected: false;
  atpActivity: false;
  parent: false;
  purposeful: false;
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

function kindOf(typeKey: string): ActivityKind | undefined {
  return KINDS.find((k) => k.typeKey === typeKey);
}

/** All figures of one activity, drawn from `rng` in a fixed order. */
function buildActivity(account: Account, kind: ActivityKind, startMs: number, activityId: number, rng: Rng): GarminActivity {
  const movingDuration = round(rng.float(kind.minutes[0], kind.minutes[1]) * 60, 3);
  const duration = round(movingDuration * rng.float(1, 1.05), 3);
  const elapsedDuration = round(duration * rng.float(1, 1.03), 3);
  const speed = rng.float(kind.speed[0], kind.speed[1]);
  const rawDistance = movingDuration * speed;
  // Pools count whole 25 m lengths.
  const distance = kind.pool ? Math.round(rawDistance / 50) * 50 : round(rawDistance, 2);
  const averageHR = rng.int(kind.heartRate[0], kind.heartRate[1]);
  const maxHR = averageHR + rng.int(8, 25);
  const minutes = duration / 60;
  const calories = Math.round(minutes * kind.kcalPerMinute * rng.float(0.9, 1.1));
  const cadence = kind.cadence ? rng.int(kind.cadence[0], kind.cadence[1]) : 0;
  const elevationGain = kind.elevationGain ? round(rng.float(kind.elevationGain[0], kind.elevationGain[1]), 1) : null;
  const elevationLoss = elevationGain === null ? null : round(elevationGain * rng.float(0.85, 1.1), 1);
  const dLat = rng.float(-0.04, 0.04);
  const dLon = rng.float(-0.06, 0.06);
  const aerobic = round(rng.float(1.5, 4.3), 1);
  const anaerobic = round(rng.float(0, 2.4), 1);
  const sets = rng.int(8, 18);
  const vigorous = averageHR >= 145;
  const moderate = !vigorous && averageHR >= 110;

  const activity: GarminActivity = {
    activityId,
    activityName: kind.name(account.city),
    description: null,
    startTimeLocal: localDateTime(startMs, account.timeZone),
    startTimeGMT: utcDateTime(startMs),
    activityType: {
      typeId: kind.typeId,
      typeKey: kind.typeKey,
      parentTypeId: kind.parentTypeId,
      isHidden: false,
      restricted: false,
      trimmable: kind.gps,
    },
    eventType: { typeId: 9, typeKey: 'uncategorized', sortOrder: 10 },
    distance,
    duration,
    elapsedDuration,
    movingDuration,
    elevationGain,
    elevationLoss,
    averageSpeed: round(distance / movingDuration, 3),
    maxSpeed: kind.strength ? null : round(speed * 1.35, 3),
    startLatitude: kind.gps ? round(account.latitude + dLat, 6) : null,
    startLongitude: kind.gps ? round(account.longitude + dLon, 6) : null,
    endLatitude: kind.gps ? round(account.latitude + dLat * 0.9, 6) : null,
    endLongitude: kind.gps ? round(account.longitude + dLon * 0.9, 6) : null,
    locationName: kind.gps ? account.city : null,
    hasPolyline: kind.gps,
    hasImages: false,
    hasVideo: false,
    hasSplits: !kind.strength,
    ownerId: account.profileId,
    ownerDisplayName: account.displayName,
    ownerFullName: account.fullName,
    calories,
    bmrCalories: Math.round((account.bmrKilocalories / 1440) * minutes),
    averageHR,
    maxHR,
    aerobicTrainingEffect: aerobic,
    anaerobicTrainingEffect: anaerobic,
    moderateIntensityMinutes: moderate ? Math.round(minutes) : 0,
    vigorousIntensityMinutes: vigorous ? Math.round(minutes) : 0,
    deviceId: account.deviceId,
    manufacturer: 'GARMIN',
    timeZoneId: account.garminTimeZoneId,
    beginTimestamp: startMs,
    lapCount: Math.max(1, Math.ceil(distance / (kind.typeKey === 'cycling' ? 5000 : 1000))),
    privacy: { typeId: 2, typeKey: 'private' },
    userPro: false,
    favorite: false,
    pr: false,
    manualActivity: false,
    autoCalcCalories: false,
    elevationCorrected: false,
    atpActivity: false,
    parent: false,
    purposeful: false,
  };
  if (kind.cadence) {
    activity.steps = Math.round(minutes * cadence);
    activity.averageRunningCadenceInStepsPerMinute = cadence;
    activity.maxRunningCadenceInStepsPerMinute = cadence + 14;
  }
  if (kind.pool) {
    activity.poolLength = 25;
    activity.unitOfPoolLength = { unitId: 1, unitKey: 'meter', factor: 100 };
    activity.activeLengths = distance / 25;
    activity.lapCount = Math.max(1, Math.round(distance / 100));
  }
  if (kind.strength) {
    activity.totalSets = sets;
    activity.activeSets = sets - 2;
    activity.totalReps = sets * 10;
    activity.lapCount = sets;
  }
  return activity;
}

const dayCache = new Map<string, readonly GarminActivity[]>();

/** Every activity of the account that starts on local `date`, ended or not; cached (pure). */
export function activitiesOn(account: Account, date: string): readonly GarminActivity[] {
  const key = `${account.email}|${date}`;
  const cached = dayCache.get(key);
  if (cached) return cached;
  const rng = new Rng(`${account.seed}|activities|${date}`);
  const count = rng.weighted([[0, 3], [1, 5], [2, 2]] as const);
  // Morning and late-afternoon slots keep two activities apart and clear of DST gaps.
  const slots = count === 1 ? [[6 * 3600, 19 * 3600]] : [[6 * 3600, 11 * 3600], [16 * 3600, 19.5 * 3600]];
  const activities: GarminActivity[] = [];
  for (let i = 0; i < count; i++) {
    const [from = 0, to = 0] = slots[i] ?? [];
    const kind = rng.weighted(KINDS.map((k) => [k, k.weight] as const));
    const startMs = zonedToUtc(date, rng.int(from, to), account.timeZone);
    const id = account.activityIdBase + epochDay(date) * 10 + i;
    activities.push(buildActivity(account, kind, startMs, id, new Rng(`${account.seed}|activity|${id}`)));
  }
  setBounded(dayCache, key, activities, 20_000);
  return activities;
}

export const endMs = (a: GarminActivity): number => a.beginTimestamp + Math.round(a.elapsedDuration * 1000);

/** First and last local date with data, as of `nowMs`. */
export function historyWindow(account: Account, nowMs: number): { first: string; today: string } {
  const today = localDate(nowMs, account.timeZone);
  return { first: addDays(today, -(account.historyDays - 1)), today };
}

/** Activities added through the control API ("uploaded" ones); listed at once. */
export class AddedActivities {
  private readonly byAccount = new Map<string, GarminActivity[]>();
  private added = 0;

  /** Returns the new activity, or an error message for a bad type or time. */
  add(account: Account, fields: { typeKey?: string; startTimeLocal?: string }, nowMs: number): GarminActivity | string {
    const kind = kindOf(fields.typeKey ?? 'running');
    if (!kind) return `typeKey must be one of ${ACTIVITY_TYPE_KEYS.join(', ')}`;
    let startMs = Math.floor(nowMs / 1000) * 1000;
    if (fields.startTimeLocal !== undefined) {
      const local = parseLocalDateTime(fields.startTimeLocal);
      if (!local) return 'startTimeLocal must look like "YYYY-MM-DD HH:MM:SS"';
      startMs = zonedToUtc(local.date, local.secondsOfDay, account.timeZone);
    }
    this.added += 1;
    // Past any generated id (those stay below base + 10 * epochDay(9999-12-31)).
    const id = account.activityIdBase + 900_000_000 + this.added;
    const activity = buildActivity(account, kind, startMs, id, new Rng(`${account.seed}|added|${this.added}`));
    const list = this.byAccount.get(account.email) ?? [];
    list.push(activity);
    this.byAccount.set(account.email, list);
    return activity;
  }

  list(account: Account): readonly GarminActivity[] {
    return this.byAccount.get(account.email) ?? [];
  }

  reset(): void {
    this.byAccount.clear();
    this.added = 0;
  }
}

export interface ActivitySearch {
  start: number;
  limit: number;
  startDate?: string;
  endDate?: string;
  activityType?: string;
  ascending: boolean;
}

/**
 * The activity list as Garmin answers it: newest first by local start time (oldest first
 * with sortOrder=asc), filtered on the local start date, one page of it. Generated
 * activities appear once they have ended, as if the watch had synced them.
 */
export function searchActivities(account: Account, search: ActivitySearch, nowMs: number, added: AddedActivities): GarminActivity[] {
  const { first, today } = historyWindow(account, nowMs);
  const from = search.startDate && search.startDate > first ? search.startDate : first;
  const to = search.endDate && search.endDate < today ? search.endDate : today;
  const inRange = (a: GarminActivity) => {
    const date = a.startTimeLocal.slice(0, 10);
    return (!search.startDate || date >= search.startDate) && (!search.endDate || date <= search.endDate);
  };
  const items: GarminActivity[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    for (const a of activitiesOn(account, date)) if (endMs(a) <= nowMs) items.push(a);
  }
  items.push(...added.list(account).filter(inRange));
  const ofType = search.activityType
    ? items.filter((a) => a.activityType.typeKey === search.activityType || kindOf(a.activityType.typeKey)?.parentTypeKey === search.activityType)
    : items;
  const direction = search.ascending ? 1 : -1;
  ofType.sort((a, b) => direction * (a.startTimeLocal.localeCompare(b.startTimeLocal) || a.activityId - b.activityId));
  return ofType.slice(search.start, search.start + search.limit);
}
