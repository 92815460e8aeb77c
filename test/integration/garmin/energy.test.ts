/** GET /garmin/energy: a nutrition diary's view of the synced days, through the handlers. */
import { describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../../functions/core/shared/local-time';
import { RECORDED_DAILY_SUMMARY } from '../../simulator/recorded';
import { harnessForFile } from '../core/harness';
import { connectAndBackfill, newAccount, recordedActivity } from './garmin-world';

const h = harnessForFile();

describe('GET /garmin/energy', () => {
  it('gives each day resting + active energy, its workouts and intake, and says when Garmin has no data', async () => {
    await h.sim.reset();
    const email = await newAccount(h);
    const today = localDate(h.clock.now(), 'Europe/Berlin');
    const [worn, notWorn] = [addDays(today, -2), addDays(today, -3)];
    const recorded = RECORDED_DAILY_SUMMARY as Record<string, unknown>;
    await h.sim.setDay(email, worn, {
      summary: { ...recorded, calendarDate: worn, includesCalorieConsumedData: true, consumedKilocalories: 1900.0 },
    });
    const run = recordedActivity(h, 50_000_001, 2, { calories: 412.0, bmrCalories: 112.0 });
    await h.sim.addRawActivity(email, run);
    const user = await connectAndBackfill(h, email);

    const answer = await h.api('GET /garmin/energy', { userId: user, query: { from: notWorn, to: worn } });
    expect(answer.status).toBe(200);
    const items = answer.body.items as Array<Record<string, unknown>>;
    expect(items.map((d) => d.date)).toEqual([notWorn, worn]);
    expect(items[0]).toMatchObject({ date: notWorn, wellnessData: false, totalKcal: null, activeKcal: null, restingKcal: null });
    expect(items[1]).toMatchObject({
      date: worn,
      wellnessData: true,
      totalKcal: recorded.totalKilocalories,
      restingKcal: recorded.bmrKilocalories,
      activeKcal: recorded.activeKilocalories,
      activitiesKcal: 300,
      consumedKcal: 1900,
    });
  });

  it('refuses a range that is backwards or not dates', async () => {
    const queries: Array<Record<string, string>> = [{ from: '2026-11-10', to: '2026-11-01' }, { from: 'yesterday', to: '2026-11-01' }, { from: '2026-11-01' }];
    for (const query of queries) {
      const answer = await h.api('GET /garmin/energy', { userId: h.newUser(), query });
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.body.error?.code).toBe('VALIDATION_ERROR');
    }
  });
});
