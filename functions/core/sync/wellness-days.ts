/**
 * Weight, hydration and sleep ride on the daily summaries' day plan (pure functions): the
 * per-day types are read with each planned date (one request per date and type), weigh-ins
 * over the planned dates in one range request; each day is final exactly when that date's
 * summary is, so the only-new-data and provisional/final rules are the summaries' own.
 */
import type { DayType, FetchResult } from '../shared/bridge-protocol';
import { datesBetween } from '../shared/local-time';
import type { DailySummaryInput, GarminObject, WellnessDay, WellnessKind } from '../shared/ports';

export interface WellnessPlan {
  types?: DayType[];
  weight?: { startDate: string; endDate: string };
}

export const planWellness = (dates: readonly string[], kinds: readonly WellnessKind[]): WellnessPlan => {
  const first = dates[0];
  const last = dates.at(-1);
  if (first === undefined || last === undefined) return {};
  const types = kinds.filter((k): k is DayType => k !== 'weight');
  return {
    ...(types.length ? { types } : {}),
    ...(kinds.includes('weight') ? { weight: { startDate: first, endDate: last } } : {}),
  };
};

/** Garmin requests the plan adds: one per date and per-day type, one for the weight range. */
export const wellnessRequests = (dates: readonly string[], plan: WellnessPlan): number =>
  dates.length * (plan.types?.length ?? 0) + (plan.weight ? 1 : 0);

const record = (value: unknown): GarminObject | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as GarminObject) : undefined;

/** A day of the range without weigh-ins, shaped like Garmin's per-day summary. */
const noWeighIns = (date: string): GarminObject => ({ summaryDate: date, numOfWeightEntries: 0, allWeightMetrics: [] });

/** A date's entry of Garmin's weight range answer (`dailyWeightSummaries`), or an empty day. */
export const weightDayOf = (range: GarminObject, date: string): GarminObject => {
  const list = Array.isArray(range.dailyWeightSummaries) ? range.dailyWeightSummaries : [];
  return list.map(record).find((s) => s?.summaryDate === date) ?? noWeighIns(date);
};

/** What a fetch brought, per kind and date; a date of the weight range without weigh-ins is an empty day. */
export const wellnessDaysOf = (result: FetchResult, summaries: readonly DailySummaryInput[]): Record<WellnessKind, WellnessDay[]> => {
  const finalDates = new Set(summaries.filter((s) => s.final).map((s) => s.date));
  const day = (date: string, garmin: GarminObject): WellnessDay => ({ date, final: finalDates.has(date), garmin });
  const out: Record<WellnessKind, WellnessDay[]> = { weight: [], hydration: [], sleep: [] };
  for (const item of result.dailySummaries?.items ?? []) {
    if (item.hydration) out.hydration.push(day(item.date, item.hydration));
    if (item.sleep) out.sleep.push(day(item.date, item.sleep));
  }
  const weight = result.weight;
  if (weight) {
    for (const date of datesBetween(weight.startDate, weight.endDate)) out.weight.push(day(date, weightDayOf(weight.range, date)));
  }
  return out;
};
