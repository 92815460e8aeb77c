/**
 * Generated activities: a pure function of account and local date, shaped like the items of
 * Garmin's activity search as recorded (see recorded.ts): the same keys in the same order,
 * keys absent rather than null where Garmin leaves them out, float32 figures
 * (4261.18994140625, not 4261.19), the ~1.2 KB `userRoles` list and the owner's image URLs,
 * so each item is 3.5-5.5 KB of JSON like the real ones.
 */
import type { Account } from './accounts';
import { Rng } from './prng';
import { RECORDED_USER_ROLES } from './recorded';
import { setBounded } from './bounded';
import { addDays, epochDay, localDate, localDateTime, utcDateTime, zonedToUtc } from './zoned-time';

interface ActivityKind {
  typeId: number;
  typeKey: string;
  parentTypeId: number;
  parentTypeKey: string;
  sportTypeId: number;
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
  /** Running dynamics and power, as a recorded run carries them. */
  power?: boolean;
  pool?: boolean;
  strength?: boolean;
}

// typeIds and parent ids as Garmin uses them (17 = "all", 26 = swimming, 29 = fitness_equipment).
const KINDS: readonly ActivityKind[] = [
  {
    typeId: 1, typeKey: 'running', parentTypeId: 17, parentTypeKey: 'all', sportTypeId: 1, weight: 35,
    name: (city) => `${city} Running`, minutes: [25, 75], speed: [2.6, 3.6], heartRate: [138, 165],
    kcalPerMinute: 11, cadence: [160, 182], elevationGain: [10, 160], gps: true, power: true,
  },
  {
    typeId: 2, typeKey: 'cycling', parentTypeId: 17, parentTypeKey: 'all', sportTypeId: 2, weight: 20,
    name: (city) => `${city} Cycling`, minutes: [40, 150], speed: [6, 8.5], heartRate: [118, 150],
    kcalPerMinute: 9, elevationGain: [50, 900], gps: true,
  },
  {
    typeId: 27, typeKey: 'lap_swimming', parentTypeId: 26, parentTypeKey: 'swimming', sportTypeId: 5, weight: 8,
    name: () => 'Pool Swim', minutes: [25, 60], speed: [0.7, 1], heartRate: [115, 145],
    kcalPerMinute: 9, gps: false, pool: true,
  },
  {
    typeId: 9, typeKey: 'walking', parentTypeId: 17, parentTypeKey: 'all', sportTypeId: 11, weight: 15,
    name: (city) => `${city} Walking`, minutes: [20, 70], speed: [1.2, 1.6], heartRate: [88, 112],
    kcalPerMinute: 4.5, cadence: [100, 120], elevationGain: [2, 40], gps: true,
  },
  {
    typeId: 13, typeKey: 'strength_training', parentTypeId: 29, parentTypeKey: 'fitness_equipment', sportTypeId: 4, weight: 12,
    name: () => 'Strength', minutes: [30, 70], speed: [0, 0], heartRate: [95, 125],
    kcalPerMinute: 6, gps: false, strength: true,
  },
  {
    typeId: 3, typeKey: 'hiking', parentTypeId: 17, parentTypeKey: 'all', sportTypeId: 17, weight: 10,
    name: (city) => `${city} Hiking`, minutes: [90, 300], speed: [0.9, 1.3], heartRate: [105, 135],
    kcalPerMinute: 6.5, cadence: [90, 110], elevationGain: [200, 1200], gps: true,
  },
];

export const ACTIVITY_TYPE_KEYS = KINDS.map((k) => k.typeKey);

/** Garmin's type hierarchy by parent id, for the search's activityType filter on any item. */
const PARENT_KEYS: Readonly<Record<number, string>> = { 17: 'all', 1: 'running', 2: 'cycling', 26: 'swimming', 29: 'fitness_equipment' };

/** An activity search item as served: generated, or stored raw as a test gave it. */
export type RawActivity = Record<string, unknown>;

/** The figures of a generated item that the daily summaries add up. */
export interface GeneratedActivity extends RawActivity {
  activityId: number;
  startTimeLocal: string;
  beginTimestamp: number;
  duration: number;
  elapsedDuration: number;
  calories: number;
  maxHR: number;
  steps?: number;
  moderateIntensityMinutes: number;
  vigorousIntensityMinutes: number;
}

export const kindOf = (typeKey: string): ActivityKind | undefined => KINDS.find((k) => k.typeKey === typeKey);

/** Does an item (generated or raw) match the search's activityType filter? */
export function matchesType(activity: RawActivity, wanted: string): boolean {
  const type = activity.activityType as { typeKey?: unknown; parentTypeId?: unknown } | undefined;
  if (!type) return false;
  return type.typeKey === wanted || (typeof type.parentTypeId === 'number' && PARENT_KEYS[type.parentTypeId] === wanted);
}

// Garmin stores these figures as float32; a double of a float32 looks like 2223.326904296875.
const f32 = (value: number): number => Math.fround(value);
const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

const EXERCISES = [
  ['BENCH_PRESS', 'BARBELL_BENCH_PRESS'],
  ['SQUAT', 'BARBELL_BACK_SQUAT'],
  ['DEADLIFT', 'BARBELL_DEADLIFT'],
  ['ROW', 'DUMBBELL_ROW'],
  ['SHOULDER_PRESS', 'DUMBBELL_SHOULDER_PRESS'],
  ['PLANK', 'PLANK'],
  ['LUNGE', 'DUMBBELL_LUNGE'],
] as const;

const TRAINING_EFFECT_LABELS = [
  [1.9, 'RECOVERY', 'RECOVERY_5'],
  [2.9, 'AEROBIC_BASE', 'MAINTAINING_AEROBIC_BASE_7'],
  [3.9, 'TEMPO', 'IMPROVING_AEROBIC_BASE_8'],
  [Infinity, 'THRESHOLD', 'HIGHLY_IMPROVING_LACTATE_THRESHOLD_12'],
] as const;

function profileImageUrls(account: Account): Record<string, string> {
  const rng = new Rng(`${account.seed}|profile-image`);
  const url = () => `https://s3.amazonaws.com/garmin-connect-prod/profile_images/${uuid(rng)}-${account.profileId}.png`;
  return { ownerProfileImageUrlSmall: url(), ownerProfileImageUrlMedium: url(), ownerProfileImageUrlLarge: url() };
}

function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function uuid(rng: Rng): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Seconds in each of the five heart-rate zones, summing to the duration. */
function zoneSeconds(rng: Rng, duration: number, averageHR: number): number[] {
  const centre = Math.min(4, Math.max(0, Math.round((averageHR - 95) / 17)));
  const weights = [0, 1, 2, 3, 4].map((z) => Math.max(0.02, 1 - Math.abs(z - centre) * 0.45) * rng.float(0.7, 1.3));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => round((duration * w) / total, 3));
}

interface Split {
  splitType: string;
  duration: number;
  distance: number;
  totalAscent: number;
  elevationLoss: number;
  maxSpeed: number;
  noOfSplits: number;
}

/** splitSummaries items in the recorded key order. */
function splitSummary(s: Split): Record<string, unknown> {
  return {
    noOfSplits: s.noOfSplits,
    totalAscent: s.totalAscent,
    duration: f32(s.duration),
    splitType: s.splitType,
    numClimbSends: 0,
    maxElevationGain: s.totalAscent,
    averageElevationGain: round(s.totalAscent / s.noOfSplits, 0),
    maxDistance: Math.floor(s.distance / Math.max(1, s.noOfSplits - 1)),
    distance: f32(s.distance),
    averageSpeed: f32(s.duration > 0 ? s.distance / s.duration : 0),
    maxSpeed: f32(s.maxSpeed),
    numFalls: 0,
    elevationLoss: s.elevationLoss,
  };
}

/** The figures drawn before any key is written; later keys continue drawing from the same rng. */
interface Figures {
  movingDuration: number;
  duration: number;
  elapsedDuration: number;
  speed: number;
  distance: number;
  averageHR: number;
  maxHR: number;
  minutes: number;
  calories: number;
  cadence: number;
  elevationGain: number;
  elevationLoss: number;
  dLat: number;
  dLon: number;
  aerobic: number;
  anaerobic: number;
  minElevation: number;
  sets: number;
  zones: number[];
  maxSpeed: number;
  steps: number | undefined;
  effect: (typeof TRAINING_EFFECT_LABELS)[number];
  moderateIntensityMinutes: number;
  vigorousIntensityMinutes: number;
}

/** One activity being built: whose, what kind, the figures drawn first and the rng the keys draw on from. */
interface Draft {
  account: Account;
  kind: ActivityKind;
  f: Figures;
  rng: Rng;
}

/** The first draws of an activity, in their fixed order. */
function drawFigures(kind: ActivityKind, rng: Rng): Figures {
  const movingDuration = Math.round(rng.float(kind.minutes[0], kind.minutes[1]) * 60);
  const duration = f32(movingDuration * rng.float(1, 1.05));
  const elapsedDuration = f32(duration * rng.float(1, 1.03));
  const speed = rng.float(kind.speed[0], kind.speed[1]);
  // Pools count whole 25 m lengths.
  const distance = kind.pool ? Math.round((movingDuration * speed) / 50) * 50 : f32(movingDuration * speed);
  const averageHR = rng.int(kind.heartRate[0], kind.heartRate[1]);
  const maxHR = averageHR + rng.int(8, 25);
  const minutes = duration / 60;
  const calories = Math.round(minutes * kind.kcalPerMinute * rng.float(0.9, 1.1));
  const cadence = rng.float(kind.cadence?.[0] ?? 0, kind.cadence?.[1] ?? 0);
  const elevationGain = kind.elevationGain ? Math.round(rng.float(kind.elevationGain[0], kind.elevationGain[1])) : 0;
  const elevationLoss = Math.round(elevationGain * rng.float(0.85, 1.1));
  const dLat = rng.float(-0.04, 0.04);
  const dLon = rng.float(-0.06, 0.06);
  const aerobic = f32(round(rng.float(1.5, 4.3), 1));
  const anaerobic = f32(round(rng.float(0, 2.4), 1));
  const minElevation = f32(rng.float(20, 600));
  const sets = rng.int(5, 7);
  const zones = zoneSeconds(rng, duration, averageHR);
  const maxSpeed = f32(speed * rng.float(1.25, 1.5));
  return {
    movingDuration, duration, elapsedDuration, speed, distance, averageHR, maxHR, minutes, calories, cadence,
    elevationGain, elevationLoss, dLat, dLon, aerobic, anaerobic, minElevation, sets, zones, maxSpeed,
    steps: kind.cadence ? Math.round(minutes * cadence) : undefined,
    effect: TRAINING_EFFECT_LABELS.find(([limit]) => aerobic <= limit) ?? TRAINING_EFFECT_LABELS[0],
    moderateIntensityMinutes: Math.round((zones[2] ?? 0) / 60),
    vigorousIntensityMinutes: Math.round(zones.slice(3).reduce((a, b) => a + b, 0) / 60),
  };
}

/** From activityId to the start position. */
function headKeys({ account, kind, f }: Draft, startMs: number, activityId: number): RawActivity {
  return {
    activityId,
    activityName: kind.name(account.city),
    startTimeLocal: localDateTime(startMs, account.timeZone),
    startTimeGMT: utcDateTime(startMs),
    activityType: { typeId: kind.typeId, typeKey: kind.typeKey, parentTypeId: kind.parentTypeId, isHidden: false, restricted: false, trimmable: true },
    eventType: { typeId: 9, typeKey: 'uncategorized', sortOrder: 10 },
    distance: f.distance,
    duration: f.duration,
    elapsedDuration: f.elapsedDuration,
    movingDuration: f.movingDuration,
    ...(kind.elevationGain ? { elevationGain: f.elevationGain, elevationLoss: f.elevationLoss } : {}),
    averageSpeed: f32(f.distance / f.movingDuration),
    ...(kind.strength ? {} : { maxSpeed: f.maxSpeed }),
    ...(kind.gps ? { startLatitude: account.latitude + f.dLat, startLongitude: account.longitude + f.dLon } : {}),
  };
}

/** The owner, energy and heart rate, and the steps of foot activities. */
function ownerKeys({ account, kind, f, rng }: Draft): RawActivity {
  return {
    hasPolyline: kind.gps,
    hasImages: false,
    ownerId: account.profileId,
    ownerDisplayName: account.displayName,
    ownerFullName: account.fullName,
    ...profileImageUrls(account),
    calories: f.calories,
    bmrCalories: Math.round((account.bmrKilocalories / 1440) * f.minutes),
    averageHR: f.averageHR,
    maxHR: f.maxHR,
    ...(kind.cadence && f.steps !== undefined
      ? {
          averageRunningCadenceInStepsPerMinute: f32(f.cadence),
          maxRunningCadenceInStepsPerMinute: Math.round(f.cadence + rng.int(8, 30)),
          steps: f.steps,
        }
      : {}),
  };
}

/** Roles, privacy, time zone and sport, then power, training effect and running dynamics. */
function trainingKeys({ account, kind, f, rng }: Draft, startMs: number): RawActivity {
  return {
    userRoles: [...RECORDED_USER_ROLES],
    privacy: { typeId: 2, typeKey: 'private' },
    userPro: false,
    hasVideo: false,
    timeZoneId: account.garminTimeZoneId,
    beginTimestamp: startMs,
    sportTypeId: kind.sportTypeId,
    ...(kind.power ? { avgPower: rng.int(180, 280), maxPower: rng.int(400, 650) } : {}),
    aerobicTrainingEffect: f.aerobic,
    anaerobicTrainingEffect: f.anaerobic,
    ...(kind.power
      ? {
          normPower: rng.int(190, 300),
          avgVerticalOscillation: round(rng.float(6.5, 10), 2),
          avgGroundContactTime: f32(rng.float(220, 300)),
          avgStrideLength: f32(rng.float(90, 130)),
          vO2MaxValue: account.vo2Max,
          avgVerticalRatio: f32(rng.float(6, 10)),
        }
      : kind.cadence
        ? { avgStrideLength: f32((f.distance / Math.max(1, f.steps ?? 1)) * 100) }
        : {}),
  };
}

function poolKeys({ f, rng }: Draft): RawActivity {
  const lengths = f.distance / 25;
  return {
    poolLength: 2500,
    unitOfPoolLength: { unitId: 1, unitKey: 'meter', factor: 100 },
    activeLengths: lengths,
    strokes: f32(lengths * rng.int(14, 20)),
    avgStrokeDistance: f32(rng.float(1.6, 2.4)),
    avgStrokeCadence: f32(rng.float(22, 32)),
    maxStrokeCadence: rng.int(34, 45),
    avgSwolf: f32(rng.float(32, 45)),
    avgStrokes: f32(rng.float(12, 20)),
  };
}

const lapCountOf = (kind: ActivityKind, f: Figures): number =>
  kind.strength ? f.sets * 3 : Math.max(1, Math.ceil(f.distance / (kind.typeKey === 'cycling' ? 5000 : kind.pool ? 100 : 1000)));

/** The device, the weather and terrain along the way, and the laps. */
function deviceKeys({ account, kind, f, rng }: Draft): RawActivity {
  const temperatures = () => {
    const minTemperature = rng.int(2, 24);
    return { minTemperature, maxTemperature: minTemperature + rng.int(2, 9) };
  };
  return {
    deviceId: account.deviceId,
    ...(kind.gps ? temperatures() : {}),
    ...(kind.gps ? { minElevation: f.minElevation, maxElevation: f32(f.minElevation + f.elevationGain * rng.float(0.4, 0.9)) } : {}),
    ...(kind.cadence ? { maxDoubleCadence: f32(Math.round(f.cadence + rng.int(8, 30))) } : {}),
    summarizedDiveInfo: { summarizedDiveGases: [] },
    ...(kind.gps ? { maxVerticalSpeed: f32(rng.float(0.2, 1.2)) } : {}),
    manufacturer: 'GARMIN',
    ...(kind.gps ? { locationName: account.city } : {}),
    lapCount: lapCountOf(kind, f),
    ...(kind.gps ? { endLatitude: account.latitude + f.dLat * 0.97, endLongitude: account.longitude + f.dLon * 0.97 } : {}),
  };
}

function effectKeys({ kind, f, rng }: Draft): RawActivity {
  return {
    waterEstimated: Math.round(f.minutes * rng.float(6, 11)),
    trainingEffectLabel: f.effect[1],
    activityTrainingLoad: f32(f.aerobic * f.minutes * rng.float(0.3, 0.5)),
    minActivityLapDuration: f32(f.duration / lapCountOf(kind, f)),
    aerobicTrainingEffectMessage: f.effect[2],
    anaerobicTrainingEffectMessage: f.anaerobic < 1 ? 'NO_ANAEROBIC_BENEFIT_0' : 'MAINTAINING_ANAEROBIC_FITNESS_1',
  };
}

function strengthKeys({ f, rng }: Draft): RawActivity {
  const exercises = shuffled(EXERCISES, rng).slice(0, f.sets).map(([category, subCategory]) => {
    const reps = rng.int(24, 40);
    return { category, subCategory, reps, volume: f32(reps * rng.int(20, 90) * 1000), duration: f32(rng.float(90, 300)), sets: 3 };
  });
  return {
    summarizedExerciseSets: exercises,
    totalSets: f.sets * 3,
    activeSets: f.sets * 3,
    totalExerciseReps: exercises.reduce((n, e) => n + e.reps, 0),
  };
}

/** Splits, intensity minutes, body battery, fastest splits and the time in each zone. */
function splitAndZoneKeys({ kind, f, rng }: Draft): RawActivity {
  const splitSummaries = splits(kind, f.distance, f.duration, f.elevationGain, f.elevationLoss, f.maxSpeed, rng);
  const out: RawActivity = {
    splitSummaries,
    hasSplits: splitSummaries.length > 0,
    moderateIntensityMinutes: f.moderateIntensityMinutes,
    vigorousIntensityMinutes: f.vigorousIntensityMinutes,
    ...(kind.power ? { avgGradeAdjustedSpeed: f32(f.speed * rng.float(1, 1.1)) } : {}),
    differenceBodyBattery: -rng.int(2, 15),
    hasHeatMap: false,
    ...(kind.power ? { fastestSplit_1000: f32(1000 / (f.speed * 1.08)), fastestSplit_1609: f32(1609 / (f.speed * 1.06)) } : {}),
  };
  f.zones.forEach((seconds, i) => (out[`hrTimeInZone_${i + 1}`] = seconds));
  if (kind.power) zoneSeconds(rng, f.duration, f.averageHR - 10).forEach((seconds, i) => (out[`powerTimeInZone_${i + 1}`] = seconds));
  return out;
}

function closingKeys(startMs: number, f: Figures): RawActivity {
  return {
    endTimeGMT: utcDateTime(startMs + Math.round(f.elapsedDuration * 1000)),
    qualifyingDive: false,
    autoCalcCalories: false,
    favorite: false,
    decoDive: false,
    elevationCorrected: false,
    atpActivity: false,
    purposeful: false,
    manualActivity: false,
    pr: false,
    parent: false,
  };
}

/**
 * All figures of one activity, drawn from `rng` in a fixed order, with its keys in the order
 * of the recorded items; optional keys are left out, not null. Each part is built (and draws)
 * in turn, so the order of the spread below is the order of the draws.
 */
export function buildActivity(account: Account, kind: ActivityKind, startMs: number, activityId: number, rng: Rng): GeneratedActivity {
  const draft: Draft = { account, kind, f: drawFigures(kind, rng), rng };
  return {
    ...headKeys(draft, startMs, activityId),
    ...ownerKeys(draft),
    ...trainingKeys(draft, startMs),
    ...(kind.pool ? poolKeys(draft) : {}),
    ...deviceKeys(draft),
    ...effectKeys(draft),
    ...(kind.strength ? strengthKeys(draft) : {}),
    ...splitAndZoneKeys(draft),
    ...closingKeys(startMs, draft.f),
  } as GeneratedActivity;
}

/** The recorded split types: run/walk phases of foot activities, one active interval otherwise. */
function splits(kind: ActivityKind, distance: number, duration: number, gain: number, loss: number, maxSpeed: number, rng: Rng): Record<string, unknown>[] {
  if (kind.strength) return [];
  const active: Split = { splitType: 'INTERVAL_ACTIVE', duration, distance, totalAscent: gain, elevationLoss: loss, maxSpeed, noOfSplits: 1 };
  if (kind.pool) {
    // Pool swims are sets of lengths with rests between them.
    const rest = duration * rng.float(0.1, 0.25);
    const intervals = rng.int(4, 10);
    return [
      splitSummary({ ...active, duration: duration - rest, noOfSplits: intervals }),
      splitSummary({ ...active, splitType: 'INTERVAL_REST', duration: rest, distance: 0, maxSpeed: 0, noOfSplits: intervals - 1 }),
    ];
  }
  if (!kind.cadence) return [splitSummary(active)];
  const walkShare = rng.float(0.05, 0.3);
  const walks = rng.int(3, 30);
  return [
    splitSummary({ ...active, splitType: 'RWD_WALK', duration: duration * walkShare, distance: distance * walkShare * 0.7, totalAscent: Math.round(gain / 2), elevationLoss: 0, noOfSplits: walks }),
    splitSummary(active),
    splitSummary({ ...active, splitType: kind.typeKey === 'running' ? 'RWD_RUN' : 'RWD_WALK', duration: duration * (1 - walkShare), distance: distance * (1 - walkShare * 0.7), noOfSplits: walks - 1 || 1 }),
  ];
}

const MAX_GENERATED_OFFSET = (epochDay('9999-12-31') + 1) * 10;

const dayCache = new Map<string, readonly GeneratedActivity[]>();

/** Every generated activity of the account that starts on local `date`, ended or not; cached (pure). */
export function activitiesOn(account: Account, date: string): readonly GeneratedActivity[] {
  if (!account.seeded) return [];
  const key = `${account.seed}|${account.email}|${date}`;
  const cached = dayCache.get(key);
  if (cached) return cached;
  const rng = new Rng(`${account.seed}|activities|${date}`);
  const count = rng.weighted([[0, 3], [1, 5], [2, 2]] as const);
  // Morning and late-afternoon slots keep two activities apart and clear of DST gaps.
  const slots = count === 1 ? [[6 * 3600, 19 * 3600]] : [[6 * 3600, 11 * 3600], [16 * 3600, 19.5 * 3600]];
  const activities: GeneratedActivity[] = [];
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

/** The generated activity with this id, if the account's generator ever makes one. */
export function generatedById(account: Account, activityId: number): GeneratedActivity | undefined {
  const offset = activityId - account.activityIdBase;
  // Generated ids encode a day up to 9999-12-31; anything else is not one of them.
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= MAX_GENERATED_OFFSET) return undefined;
  const date = new Date(Math.floor(offset / 10) * 86_400_000).toISOString().slice(0, 10);
  return activitiesOn(account, date)[offset % 10];
}

export const endMs = (a: GeneratedActivity): number => a.beginTimestamp + Math.round(a.elapsedDuration * 1000);

/** First and last local date with generated data, as of `nowMs`. */
export function historyWindow(account: Account, nowMs: number): { first: string; today: string } {
  const today = localDate(nowMs, account.timeZone);
  return { first: addDays(today, -(account.historyDays - 1)), today };
}

/** The generated activities that have ended by `nowMs` (the watch uploaded them then). */
export function endedBetween(account: Account, from: string, to: string, nowMs: number): GeneratedActivity[] {
  const { first, today } = historyWindow(account, nowMs);
  const items: GeneratedActivity[] = [];
  for (let date = from > first ? from : first; date <= (to < today ? to : today); date = addDays(date, 1)) {
    for (const a of activitiesOn(account, date)) if (endMs(a) <= nowMs) items.push(a);
  }
  return items;
}
