/**
 * Daily summaries through the real bridge and simulator, clocks moved together: yesterday
 * is read once after midnight, left alone until the finality threshold, and becomes final
 * only when a read past the threshold finds Garmin's figures unchanged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../functions/core/shared/limits';
import { addDays, localDate } from '../../../functions/core/shared/local-time';
import { ATHLETE, harnessForFile, PASSWORD } from '../core/harness';

const ZONE = 'Europe/Berlin';
const h = harnessForFile();
beforeAll(async () => {
  await h.sim.reset();
});

const offsetMs = (instant: Date): number => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) - instant.getTime();
};

/** The instant of a Berlin wall-clock time. */
const berlin = (date: string, time: string): Date => {
  const naive = Date.parse(`${date}T${time}Z`);
  return new Date(naive - offsetMs(new Date(naive)));
};

const moveTo = async (instant: Date) => {
  h.clock.advance((instant.getTime() - h.clock.now().getTime()) / 1000);
  const response = await fetch(`${h.sim.url}/__sim/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ now: instant.toISOString() }),
  });
  expect(response.ok).toBe(true);
};

describe('daily summary finality', () => {
  it('reads yesterday after midnight, leaves it alone, and finalises it only once unchanged past the threshold', async () => {
    const day = localDate(new Date(Date.now() + 2 * 86_400_000), ZONE);
    const next = addDays(day, 1);
    const user = h.newUser();
    const sync = async (at: Date) => {
      await moveTo(at);
      // The watch uploaded: the scheduled sync's probe lets its whole plan run (summary-finality is about that plan).
      await h.sim.deviceSync(ATHLETE, at.toISOString());
      await h.sim.resetCounters();
      const connection = await h.runtime.services.deps.connections.get(user);
      const run = await h.runtime.services.sync.run({ userId: user, reason: 'scheduled', dueAt: connection?.nextSyncTime ?? '' });
      expect(run.status).toBe('synced');
      const stored = await h.runtime.services.deps.data.queryDailySummaries(user, day, day);
      return {
        summaryRequests: await h.sim.count('daily-summary'),
        final: stored[0]?.final,
        finalThrough: run.connection?.cursors.summariesFinalThrough,
      };
    };

    // Connected and backfilled in the evening: `day` is today, provisional.
    await moveTo(berlin(day, '21:00:00'));
    expect((await h.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: PASSWORD } })).status).toBe(201);
    await h.runtime.drainQueue();

    // Just after midnight: `day` (now yesterday) is read once more, with today.
    expect(await sync(berlin(next, '00:20:00'))).toEqual({ summaryRequests: 2, final: false, finalThrough: addDays(day, -1) });
    // In the night: left alone, only today is read.
    expect(await sync(berlin(next, '02:00:00'))).toMatchObject({ summaryRequests: 1, final: false });

    // What the night's read stored differs from what Garmin has now (a late upload from the
    // watch; the simulator's past days never change, so the stored copy is made older instead).
    const [stored] = await h.runtime.services.deps.data.queryDailySummaries(user, day, day);
    const steps = Number(stored?.summary.totalSteps ?? 0);
    await h.runtime.services.deps.data.upsertDailySummaries(user, [{ date: day, final: false, summary: { ...stored?.summary, totalSteps: steps - 1234 } }]);

    const threshold = `${String(LIMITS.summaryFinalAfterHours).padStart(2, '0')}:10:00`;
    // Past the threshold, but changed since the last read: still provisional, stored again.
    expect(await sync(berlin(next, threshold))).toEqual({ summaryRequests: 2, final: false, finalThrough: addDays(day, -1) });
    // Read again, unchanged: final, and never asked for again.
    expect(await sync(berlin(next, `${String(LIMITS.summaryFinalAfterHours).padStart(2, '0')}:25:00`))).toEqual({ summaryRequests: 2, final: true, finalThrough: day });
    expect(await sync(berlin(next, `${String(LIMITS.summaryFinalAfterHours).padStart(2, '0')}:40:00`))).toMatchObject({ summaryRequests: 1, final: true });
  });
});
