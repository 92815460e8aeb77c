/**
 * Stores what a fetch brought of weight, hydration and sleep (sync/wellness-days.ts): what is
 * stored already is read back and left alone, as for the summaries, so a no-change sync
 * writes nothing; a weight day without weigh-ins is written only over a stored one (deleted at Garmin).
 * Answers the dates written per kind, for the app's `data.changed`.
 */
import type { FetchResult } from '../shared/bridge-protocol';
import { type DailySummaryInput, type DataStore, WELLNESS_KINDS, type WellnessDay, type WellnessKind } from '../shared/ports';
import { sameContent } from './summary-finality';
import { wellnessDaysOf } from './wellness-days';

const isEmptyWeightDay = (day: WellnessDay): boolean => day.garmin.numOfWeightEntries === 0;

export const storeWellness = async (
  data: Pick<DataStore, 'queryWellnessDays' | 'upsertWellnessDays'>,
  userId: string,
  result: FetchResult,
  summaries: readonly DailySummaryInput[],
  /** Write (and so announce) every fetched day, unchanged or not: a redelivered sync's (sync-service.ts). */
  rewrite = false,
): Promise<Record<WellnessKind, string[]>> => {
  const fetched = wellnessDaysOf(result, summaries);
  const written: Record<WellnessKind, string[]> = { weight: [], hydration: [], sleep: [] };
  for (const kind of WELLNESS_KINDS) {
    const days = fetched[kind];
    const dates = days.map((d) => d.date).sort();
    const first = dates[0];
    const last = dates.at(-1);
    if (first === undefined || last === undefined) continue;
    const stored = new Map((await data.queryWellnessDays(userId, kind, first, last)).map((d) => [d.date, d] as const));
    const changed = days.filter((day) => {
      const before = stored.get(day.date);
      if (!before) return !isEmptyWeightDay(day);
      return rewrite || before.final !== day.final || !sameContent(before.garmin, day.garmin);
    });
    if (changed.length) {
      await data.upsertWellnessDays(userId, kind, changed);
      written[kind] = changed.map((d) => d.date);
    }
  }
  return written;
};
