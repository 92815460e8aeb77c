import { describe, expect, it } from 'vitest';
import type { StoredActivity } from '../../../../functions/core/shared/ports';
import { activeEnergyOf, energyDay } from '../../../../functions/core/read/energy';

const summary = {
  calendarDate: '2026-11-24',
  totalKilocalories: 2652.0,
  bmrKilocalories: 2153.0,
  activeKilocalories: 499.0,
  consumedKilocalories: 2100.0,
  includesWellnessData: true,
  includesCalorieConsumedData: true,
};

const activity = (startTimeLocal: string, calories: number, bmrCalories?: number): StoredActivity => ({
  activityId: startTimeLocal,
  startTimeLocal,
  startTimeGmt: startTimeLocal,
  activity: { calories, ...(bmrCalories === undefined ? {} : { bmrCalories }) },
});

describe('energyDay', () => {
  it('splits the day into resting and active energy, with the activities part of the active figure', () => {
    const day = energyDay({ date: '2026-11-24', final: true, summary }, [
      activity('2026-11-24 07:10:00', 412, 112),
      activity('2026-11-24 18:00:00', 150.6, 40.2),
      activity('2026-11-25 07:10:00', 999, 100),
    ]);
    expect(day).toEqual({
      date: '2026-11-24',
      wellnessData: true,
      totalKcal: 2652,
      restingKcal: 2153,
      activeKcal: 499,
      activitiesKcal: 410,
      consumedKcal: 2100,
      final: true,
    });
  });

  it('says a day holds no wellness data instead of reporting zeros, and hides intake Garmin does not count', () => {
    const empty = { ...summary, includesWellnessData: false, totalKilocalories: null, bmrKilocalories: null, activeKilocalories: null, includesCalorieConsumedData: false };
    const day = energyDay({ date: '2026-11-24', final: false, summary: empty }, []);
    expect(day).toMatchObject({ wellnessData: false, totalKcal: null, restingKcal: null, activeKcal: null, consumedKcal: null, activitiesKcal: 0 });
  });
});

describe('activeEnergyOf', () => {
  it('counts only what an activity burned beyond rest, never below zero', () => {
    expect(activeEnergyOf({ calories: 412, bmrCalories: 112 })).toBe(300);
    expect(activeEnergyOf({ calories: 412 })).toBe(412);
    expect(activeEnergyOf({ calories: 10, bmrCalories: 40 })).toBe(0);
    expect(activeEnergyOf({})).toBe(0);
  });
});
