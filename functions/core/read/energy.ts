/**
 * A day's energy budget from what Garmin stored, for a nutrition diary. Garmin's daily
 * total is resting (BMR) + active energy, and its active energy already contains the
 * recorded activities: a diary adds `activeKcal` (or uses `totalKcal` as the day's burn)
 * and never adds `activitiesKcal` on top, which is shown only to say how much of the
 * active energy came from workouts.
 */
import type { GarminObject, StoredActivity, StoredDailySummary } from '../shared/ports';
import { holdsWellnessData } from '../sync/summary-finality';

export interface EnergyDay {
  date: string;
  /** False when Garmin holds no wellness data for the day (watch not worn or not uploaded): figures are null, not zero. */
  wellnessData: boolean;
  totalKcal: number | null;
  restingKcal: number | null;
  activeKcal: number | null;
  /** Active energy of the day's recorded activities (their calories minus the resting share), part of activeKcal. */
  activitiesKcal: number;
  /** What the user logged as eaten in Garmin Connect (or a linked app), when Garmin counts intake for the day. */
  consumedKcal: number | null;
  final: boolean;
}

const kcal = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** An activity's energy beyond what the body burns at rest anyway during it. */
export const activeEnergyOf = (activity: GarminObject): number => {
  const calories = kcal(activity.calories) ?? 0;
  return Math.max(0, calories - (kcal(activity.bmrCalories) ?? 0));
};

export const energyDay = (day: StoredDailySummary, activities: StoredActivity[]): EnergyDay => {
  const s = day.summary;
  const wellnessData = holdsWellnessData(s);
  const activitiesKcal = Math.round(
    activities.filter((a) => a.startTimeLocal.slice(0, 10) === day.date).reduce((sum, a) => sum + activeEnergyOf(a.activity), 0),
  );
  return {
    date: day.date,
    wellnessData,
    totalKcal: wellnessData ? kcal(s.totalKilocalories) : null,
    restingKcal: wellnessData ? kcal(s.bmrKilocalories) : null,
    activeKcal: wellnessData ? kcal(s.activeKilocalories) : null,
    activitiesKcal,
    consumedKcal: s.includesCalorieConsumedData === true ? kcal(s.consumedKilocalories) : null,
    final: day.final,
  };
};
