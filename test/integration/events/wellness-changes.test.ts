/**
 * `data.changed` for weight, hydration and sleep, through the handlers and the change feed: a
 * sync in which only they changed announces their dates; a write announces the day it stored
 * (once, however often it is retried), and the sync that reads that day next announces nothing for it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../functions/core/shared/limits';
import { localDate } from '../../../functions/core/shared/local-time';
import { harnessForFile } from '../core/harness';
import { advance, connectAndBackfill, newAccount, scheduledSync } from '../garmin/garmin-world';

const h = harnessForFile();

interface Changed {
  activities: Record<'added' | 'updated' | 'deleted', string[]>;
  days: Record<'added' | 'updated', string[]>;
  wellness: Record<'weight' | 'hydration' | 'sleep', string[]>;
}

/** The user's `data.changed` events after `cursor`, and the cursor to go on from. */
const changedSince = async (user: string, cursor?: string): Promise<{ changed: Changed[]; cursor: string }> => {
  const answer = await h.api('GET /garmin/changes', { userId: user, query: cursor ? { cursor } : {} });
  expect(answer.status).toBe(200);
  const items = answer.body.items as Array<{ type: string; data: Changed }>;
  return { changed: items.filter((e) => e.type === 'data.changed').map((e) => e.data), cursor: answer.body.nextCursor as string };
};

const datesOf = (changed: Changed[], kind: keyof Changed['wellness']) => changed.flatMap((c) => c.wellness[kind]);

const today = () => localDate(h.clock.now(), 'Europe/Berlin');

/** Garmin's raw objects for a day with a weigh-in, intake and a night (shapes: test/simulator/wellness-shapes.ts). */
const garminDay = (date: string) => {
  const at = Date.parse(`${date}T05:00:00Z`);
  return {
    weighIns: [{ samplePk: at, date: at + 3_600_000, calendarDate: date, weight: 71_200, bmi: null, bodyFat: null, bodyWater: null, boneMass: null, muscleMass: null, physiqueRating: null, visceralFat: null, metabolicAge: null, sourceType: 'MANUAL', timestampGMT: at, weightDelta: null }],
    hydration: { calendarDate: date, valueInML: 750, goalInML: 2800, dailyAverageinML: null, lastEntryTimestampLocal: `${date}T06:00:00.0`, sweatLossInML: null, activityIntakeInML: null },
    sleep: { dailySleepDTO: { id: at - 28_800_000, calendarDate: date, sleepTimeSeconds: 25_200, sleepStartTimestampGMT: at - 28_800_000, sleepEndTimestampGMT: at - 1_800_000, deepSleepSeconds: 5_400, lightSleepSeconds: 14_400, remSleepSeconds: 5_400, awakeSleepSeconds: 1_800 } },
  };
};

describe('data.changed for weight, hydration and sleep', () => {
  it('a sync in which only they changed announces their dates; a sync that finds them unchanged announces nothing', async () => {
    const email = await newAccount(h, { seeded: false });
    const user = await connectAndBackfill(h, email);
    let { cursor } = await changedSince(user);
    // Wellness of today is read again once it is due.
    await advance(h, LIMITS.wellnessRecheckSeconds + 60);
    const date = today();
    const raw = garminDay(date);
    await h.sim.setWellness(email, 'weight', date, { weighIns: raw.weighIns });
    await h.sim.setWellness(email, 'hydration', date, { hydration: raw.hydration });
    await h.sim.setWellness(email, 'sleep', date, { sleep: raw.sleep });

    await scheduledSync(h, user);
    const first = await changedSince(user, cursor);
    cursor = first.cursor;

    expect(datesOf(first.changed, 'weight')).toContain(date);
    expect(datesOf(first.changed, 'hydration')).toContain(date);
    expect(datesOf(first.changed, 'sleep')).toContain(date);
    expect(first.changed.flatMap((c) => [...c.activities.added, ...c.activities.updated, ...c.activities.deleted])).toEqual([]);
    const read = await h.api('GET /garmin/weight', { userId: user, query: { from: date, to: date } });
    expect(read.body.items).toMatchObject([{ weightKg: 71.2 }]);

    await advance(h, LIMITS.wellnessRecheckSeconds + 60);
    await scheduledSync(h, user);
    const again = await changedSince(user, cursor);
    // Nothing of `date` changed at Garmin (a new local day, if midnight passed, is new data of its own).
    for (const kind of ['weight', 'hydration', 'sleep'] as const) expect(datesOf(again.changed, kind)).not.toContain(date);
  });

  it('a write announces the day it stored once, however often retried; the next sync of that day announces nothing for it', async () => {
    const email = await newAccount(h, { seeded: false });
    const user = await connectAndBackfill(h, email);
    let { cursor } = await changedSince(user);
    const date = today();
    const key = randomUUID();
    const write = () => h.api('POST /garmin/hydration', { userId: user, body: { date, ml: 330 }, headers: { 'Idempotency-Key': key } });

    expect((await write()).status).toBe(201);
    expect((await write()).status).toBe(201);
    const written = await changedSince(user, cursor);
    cursor = written.cursor;

    expect(written.changed).toEqual([
      { activities: { added: [], updated: [], deleted: [] }, days: { added: [], updated: [] }, wellness: { weight: [], hydration: [date], sleep: [] } },
    ]);

    await advance(h, LIMITS.wellnessRecheckSeconds + 60);
    await scheduledSync(h, user);
    const synced = await changedSince(user, cursor);
    expect(datesOf(synced.changed, 'hydration')).not.toContain(date);
  });
});
