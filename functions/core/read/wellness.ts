/**
 * Weigh-ins, hydration and sleep as an app reads them: Garmin's grams and epoch figures turned
 * into kg, percentages and ISO times, a figure Garmin left out null (never zero). Sources:
 * the weight range's `allWeightMetrics`, the hydration daily summary, `dailySleepDTO`.
 */
import type { GarminObject, WellnessDay } from '../shared/ports';

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const kg = (grams: unknown): number | null => {
  const g = num(grams);
  return g === null ? null : Math.round(g) / 1000;
};
const iso = (epochMs: unknown): string | null => {
  const ms = num(epochMs);
  return ms === null ? null : new Date(ms).toISOString();
};
const record = (value: unknown): GarminObject =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as GarminObject) : {};

export interface WeighInView {
  date: string;
  time: string | null;
  weightKg: number | null;
  bmi: number | null;
  bodyFatPct: number | null;
  bodyWaterPct: number | null;
  muscleMassKg: number | null;
  boneMassKg: number | null;
  source: string | null;
  final: boolean;
}

/** The day's weigh-ins, oldest first. */
export const weighInsOf = (day: WellnessDay): WeighInView[] => {
  const metrics = Array.isArray(day.garmin.allWeightMetrics) ? day.garmin.allWeightMetrics.map(record) : [];
  return metrics
    .map((m) => ({
      date: day.date,
      time: iso(m.timestampGMT),
      weightKg: kg(m.weight),
      bmi: num(m.bmi),
      bodyFatPct: num(m.bodyFat),
      bodyWaterPct: num(m.bodyWater),
      muscleMassKg: kg(m.muscleMass),
      boneMassKg: kg(m.boneMass),
      source: typeof m.sourceType === 'string' ? m.sourceType : null,
      final: day.final,
    }))
    .sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''));
};

export interface HydrationDayView {
  date: string;
  intakeMl: number | null;
  goalMl: number | null;
  sweatLossMl: number | null;
  final: boolean;
}

export const hydrationOf = (day: WellnessDay): HydrationDayView => ({
  date: day.date,
  intakeMl: num(day.garmin.valueInML),
  goalMl: num(day.garmin.goalInML),
  sweatLossMl: num(day.garmin.sweatLossInML),
  final: day.final,
});

export interface SleepNightView {
  /** The morning the night ended on (Garmin's calendarDate). */
  date: string;
  start: string | null;
  end: string | null;
  sleepSeconds: number | null;
  deepSeconds: number | null;
  lightSeconds: number | null;
  remSeconds: number | null;
  awakeSeconds: number | null;
  score: number | null;
  final: boolean;
}

/** Undefined for a day without a recorded night (Garmin answers an empty DTO). */
export const sleepOf = (day: WellnessDay): SleepNightView | undefined => {
  const dto = record(day.garmin.dailySleepDTO);
  if (num(dto.sleepTimeSeconds) === null && num(dto.sleepStartTimestampGMT) === null) return undefined;
  return {
    date: day.date,
    start: iso(dto.sleepStartTimestampGMT),
    end: iso(dto.sleepEndTimestampGMT),
    sleepSeconds: num(dto.sleepTimeSeconds),
    deepSeconds: num(dto.deepSleepSeconds),
    lightSeconds: num(dto.lightSleepSeconds),
    remSeconds: num(dto.remSleepSeconds),
    awakeSeconds: num(dto.awakeSleepSeconds),
    score: num(record(record(dto.sleepScores).overall).value),
    final: day.final,
  };
};
