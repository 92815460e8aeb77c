/** GET /garmin/weight, /hydration and /sleep: synced with the days' plan, through the handlers. */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../functions/core/shared/limits';
import { addDays, localDate } from '../../../functions/core/shared/local-time';
import { harnessForFile } from '../core/harness';
import { connectAndBackfill, newAccount, scheduledSync, advance } from './garmin-world';

const h = harnessForFile();

// As recorded (matin/garth tests/data/cassettes/test_weight_data_list.yaml), grams and epoch ms.
const scaleWeighIn = (date: string, gmtMs: number) => ({
  samplePk: gmtMs + 25_000,
  date: gmtMs + 3_600_000,
  calendarDate: date,
  weight: 59720.0,
  bmi: 22.799999237060547,
  bodyFat: 19.3,
  bodyWater: 58.9,
  boneMass: 3539,
  muscleMass: 26979,
  physiqueRating: null,
  visceralFat: null,
  metabolicAge: null,
  sourceType: 'INDEX_SCALE',
  timestampGMT: gmtMs,
  weightDelta: 200.00000000000284,
});

describe('weight, hydration and sleep', () => {
  it('syncs them per day with the summaries and serves them in units an app uses', async () => {
    await h.sim.reset();
    const email = await newAccount(h, { seeded: false });
    const today = localDate(h.clock.now(), 'Europe/Berlin');
    const day = addDays(today, -2);
    const at = Date.parse(`${day}T06:10:00Z`);
    await h.sim.setWellness(email, 'weight', day, { weighIns: [scaleWeighIn(day, at)] });
    await h.sim.setWellness(email, 'hydration', day, {
      hydration: { userId: 1, calendarDate: day, valueInML: 1000.0, goalInML: 3382.0, dailyAverageinML: null, lastEntryTimestampLocal: `${day}T15:30:00.0`, sweatLossInML: 582.0, activityIntakeInML: 0.0 },
    });
    await h.sim.setWellness(email, 'sleep', day, {
      sleep: {
        dailySleepDTO: {
          calendarDate: day,
          sleepTimeSeconds: 25740,
          sleepStartTimestampGMT: at - 8 * 3_600_000,
          sleepEndTimestampGMT: at - 8 * 3_600_000 + 27_540_000,
          deepSleepSeconds: 4440,
          lightSleepSeconds: 18720,
          remSleepSeconds: 2580,
          awakeSleepSeconds: 1800,
        },
        remSleepData: true,
      },
    });
    const user = await connectAndBackfill(h, email);
    const query = { from: addDays(day, -1), to: day };
    // The account has no wellness data, so the day's summary is not final yet, nor is anything of that day.

    const weight = await h.api('GET /garmin/weight', { userId: user, query });
    expect(weight.status).toBe(200);
    expect(weight.body.items).toEqual([
      {
        date: day,
        time: new Date(at).toISOString(),
        weightKg: 59.72,
        bmi: 22.799999237060547,
        bodyFatPct: 19.3,
        bodyWaterPct: 58.9,
        muscleMassKg: 26.979,
        boneMassKg: 3.539,
        source: 'INDEX_SCALE',
        final: false,
      },
    ]);
    const hydration = await h.api('GET /garmin/hydration', { userId: user, query });
    expect(hydration.status).toBe(200);
    expect(hydration.body.items).toContainEqual({ date: day, intakeMl: 1000, goalMl: 3382, sweatLossMl: 582, final: false });
    const sleep = await h.api('GET /garmin/sleep', { userId: user, query });
    expect(sleep.status).toBe(200);
    // The day before has no recorded night (an unseeded account): left out, not zeros.
    expect(sleep.body.items).toEqual([
      {
        date: day,
        start: new Date(at - 8 * 3_600_000).toISOString(),
        end: new Date(at - 8 * 3_600_000 + 27_540_000).toISOString(),
        sleepSeconds: 25740,
        deepSeconds: 4440,
        lightSeconds: 18720,
        remSeconds: 2580,
        awakeSeconds: 1800,
        score: null,
        final: false,
      },
    ]);
  });

  it('asks only for today and provisional days again, each type at a fixed cost', async () => {
    await h.sim.reset();
    const email = await newAccount(h, { seeded: true, days: 5 });
    const user = await connectAndBackfill(h, email);
    await advance(h, LIMITS.wellnessRecheckSeconds + 60);
    await h.sim.resetCounters();
    await scheduledSync(h, user);
    const counters = await h.sim.counters();
    const per = (name: string) => counters.byEndpoint[name] ?? 0;
    const days = per('daily-summary');
    expect(days).toBeGreaterThanOrEqual(1);
    // Hydration and sleep: one request per planned day each; weight: one range request.
    expect(per('hydration-daily')).toBe(days);
    expect(per('sleep-daily')).toBe(days);
    expect(per('weight-range')).toBe(1);
    const today = localDate(h.clock.now(), 'Europe/Berlin');
    const sleep = await h.api('GET /garmin/sleep', { userId: user, query: { from: addDays(today, -4), to: today } });
    expect((sleep.body.items as unknown[]).length).toBeGreaterThan(0);
  });
});
