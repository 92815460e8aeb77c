import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../../functions/core/shared/limits';
import { type DispatchDeps, dispatchDue } from '../../../../functions/core/sync/dispatch-service';
import { budgetWindow } from '../../../../functions/core/sync/budget';
import { MemoryGuardStore } from '../../../support/fakes/guard';
import { RecordingQueue } from '../../../support/fakes/queue';
import { seededRandom } from '../../../support/fakes/schedule';
import { MemoryScheduleStore } from '../../../support/fakes/schedules';

// 12:00:20 UTC: a 60 s spread reaches into the next minute window.
const NOW = new Date('2026-11-23T12:00:20.000Z');
const DUE = new Date(NOW.getTime() - 60_000).toISOString();

const users = (count: number, nextSyncTime = DUE) =>
  Array.from({ length: count }, (_, i) => ({ userId: `user-${String(i).padStart(4, '0')}`, nextSyncTime }));

const setup = (count: number, options: { random?: () => number } = {}) => {
  const schedule = new MemoryScheduleStore();
  for (const u of users(count)) schedule.due(u.userId, u.nextSyncTime);
  const queue = new RecordingQueue();
  const guard = new MemoryGuardStore();
  const deps: DispatchDeps = {
    schedules: schedule,
    queue,
    clock: { now: () => NOW },
    newId: (() => {
      let n = 0;
      return () => `claim-${++n}`;
    })(),
    random: options.random ?? seededRandom(7),
    guard,
  };
  return { schedule, queue, guard, deps };
};

const claimUntil = new Date(NOW.getTime() + LIMITS.syncIntervalSeconds * 1000).toISOString();

describe('dispatchDue: claims', () => {
  it('queues every due user once, with the due time it claimed, and leaves the others alone', async () => {
    const { schedule, queue, deps } = setup(50);
    schedule.due('later', new Date(NOW.getTime() + 60_000).toISOString());
    const result = await dispatchDue(deps);
    expect(result).toMatchObject({ claimed: 50, lostClaims: 0, leftForLater: 0, breaker: 'closed' });
    expect(new Set(queue.jobs.map((j) => j.userId)).size).toBe(50);
    expect(queue.jobs.every((j) => j.reason === 'scheduled' && j.dueAt === claimUntil)).toBe(true);
    // Each job carries its claim, which is the user's lease, one interval long.
    for (const job of queue.jobs) {
      expect((await schedule.get(job.userId))?.lease).toEqual({ owner: job.claim, until: claimUntil });
    }
    expect(new Set(queue.jobs.map((j) => j.claim)).size).toBe(50);
    expect((await schedule.get('later'))?.nextSyncTime).toBe(new Date(NOW.getTime() + 60_000).toISOString());
    // A second run finds nobody claimable: their due times stayed, but their leases are live.
    expect(await dispatchDue(deps)).toMatchObject({ claimed: 0, lostClaims: 0, leftForLater: 0 });
  });

  it('never queues a user whose claim another dispatcher won', async () => {
    const { schedule, queue, deps } = setup(10);
    schedule.stolen.add('user-0003');
    schedule.stolen.add('user-0007');
    const result = await dispatchDue(deps);
    expect(result).toMatchObject({ claimed: 8, lostClaims: 2 });
    expect(queue.jobs.map((j) => j.userId)).not.toContain('user-0003');
  });

  it('two dispatchers running at once never queue the same user', async () => {
    const { schedule, deps } = setup(300);
    const a = new RecordingQueue();
    const b = new RecordingQueue();
    const [ra, rb] = await Promise.all([dispatchDue({ ...deps, queue: a }), dispatchDue({ ...deps, queue: b })]);
    const all = [...a.jobs, ...b.jobs].map((j) => j.userId);
    expect(all).toHaveLength(300);
    expect(new Set(all).size).toBe(300);
    expect(ra.claimed + rb.claimed).toBe(300);
    expect(ra.lostClaims + rb.lostClaims).toBe(schedule.claims - 300);
  });

  it('takes at most maxPerRun, oldest due first across all shards', async () => {
    const { schedule, queue, deps } = setup(0);
    // 40 users due at different times, spread over the shards.
    for (let i = 0; i < 40; i++) schedule.due(`u${i}`, new Date(NOW.getTime() - (i + 1) * 1000).toISOString());
    const result = await dispatchDue(deps, { maxPerRun: 10 });
    expect(result.claimed).toBe(10);
    expect(result.leftForLater).toBe(0);
    // The ten oldest (due longest ago) are u30 … u39, whatever their shard.
    expect(queue.jobs.map((j) => j.userId).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `u${30 + i}`).sort());
  });
});

describe('dispatchDue: jitter', () => {
  it('delays each job by a whole number of seconds in [0, spread)', async () => {
    const { queue, deps } = setup(500);
    await dispatchDue(deps, { spreadSeconds: 60 });
    const delays = queue.jobs.map((j) => j.delaySeconds ?? 0);
    expect(delays.every((d) => Number.isInteger(d) && d >= 0 && d < 60)).toBe(true);
    // Spread out, not bunched: both halves of the spread are used.
    expect(delays.filter((d) => d < 30).length).toBeGreaterThan(150);
    expect(delays.filter((d) => d >= 30).length).toBeGreaterThan(150);
  });

  it('caps the spread at SQS\'s 900 s and uses no delay when the spread is 0', async () => {
    const wide = setup(200, { random: () => 0.999_999 });
    await dispatchDue(wide.deps, { spreadSeconds: 5000 });
    expect(Math.max(...wide.queue.jobs.map((j) => j.delaySeconds ?? 0))).toBe(899);
    const none = setup(20);
    await dispatchDue(none.deps, { spreadSeconds: 0 });
    expect(none.queue.jobs.every((j) => (j.delaySeconds ?? 0) === 0)).toBe(true);
  });

  it('uses the extreme delays when random() is at its bounds', async () => {
    // 12:00:20 + [0, 60) s: the 12:00 window covers 40 s of the spread (4 of 5 syncs' slots), 12:01 the rest (2).
    const low = setup(5, { random: () => 0 });
    await dispatchDue(low.deps, { spreadSeconds: 60 });
    // The first window's slots are drawn first; once they are taken, the next window's start.
    expect(low.queue.jobs.map((j) => j.delaySeconds)).toEqual([0, 0, 0, 0, 40]);
  });
});

describe('dispatchDue: the Garmin budget', () => {
  it('claims only as many users as the minute\'s budget allows, and reserves their requests', async () => {
    const { guard, queue, deps } = setup(1000);
    const result = await dispatchDue(deps, { spreadSeconds: 0, requestsPerMinute: 300, requestsPerSync: 3 });
    expect(result).toMatchObject({ claimed: 100, leftForLater: 900, reservedRequests: 300 });
    expect(queue.jobs).toHaveLength(100);
    expect(await guard.used(budgetWindow(NOW))).toBe(300);
    // The window is full: the next run in the same minute claims nobody, and nothing is lost.
    const again = await dispatchDue(deps, { spreadSeconds: 0, requestsPerMinute: 300, requestsPerSync: 3 });
    expect(again).toMatchObject({ claimed: 0, leftForLater: 900 });
  });

  it('reserves in the minute each delayed job will run, never past any window\'s limit', async () => {
    const { guard, queue, deps } = setup(1000);
    // 12:00:20 + [0, 120) s touches the windows 12:00, 12:01 and 12:02.
    const result = await dispatchDue(deps, { spreadSeconds: 120, requestsPerMinute: 90, requestsPerSync: 3 });
    const windows = [0, 1, 2].map((m) => new Date(Date.parse('2026-11-23T12:00:00Z') + m * 60_000));
    const used = await Promise.all(windows.map((w) => guard.used(w)));
    for (const u of used) expect(u).toBeLessThanOrEqual(90);
    expect(result.claimed * 3).toBe(used.reduce((a, b) => a + b, 0));
    // Each job's delay lands in a window that reserved a slot for it.
    const perWindow = new Map<number, number>();
    for (const job of queue.jobs) {
      const w = budgetWindow(new Date(NOW.getTime() + (job.delaySeconds ?? 0) * 1000)).getTime();
      perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
    }
    for (const [w, n] of perWindow) expect(n * 3).toBeLessThanOrEqual(await guard.used(new Date(w)));
    expect(result.claimed).toBe(90);
  });

  it('gives back the reservation of claims it lost', async () => {
    const { schedule, guard, deps } = setup(10);
    for (const u of ['user-0001', 'user-0002', 'user-0003']) schedule.stolen.add(u);
    const result = await dispatchDue(deps, { spreadSeconds: 0, requestsPerMinute: 1000, requestsPerSync: 3 });
    expect(result.claimed).toBe(7);
    expect(await guard.used(budgetWindow(NOW))).toBe(21);
  });
});

describe('dispatchDue: the circuit breaker', () => {
  it('claims nothing while the breaker is open, without even looking for due users', async () => {
    const { schedule, guard, queue, deps } = setup(10);
    guard.breaker = { openedAt: NOW.toISOString(), reopenAt: new Date(NOW.getTime() + 60_000).toISOString(), trips: 1, version: 1 };
    const result = await dispatchDue(deps);
    expect(result).toMatchObject({ claimed: 0, breaker: 'open' });
    expect(queue.jobs).toHaveLength(0);
    expect(schedule.claims).toBe(0);
  });

  it('lets only the half-open fraction through: of maxPerRun and of the budget', async () => {
    const fraction = LIMITS.breakerHalfOpenFractions[0];
    const halfOpen = () => {
      const s = setup(1000);
      // Reopened 1 s ago: the first half-open step.
      s.guard.breaker = { openedAt: new Date(NOW.getTime() - 301_000).toISOString(), reopenAt: new Date(NOW.getTime() - 1000).toISOString(), trips: 1, version: 1 };
      return s;
    };
    const byRun = await dispatchDue(halfOpen().deps, { spreadSeconds: 0, maxPerRun: 200, requestsPerMinute: 1_000_000 });
    expect(byRun).toMatchObject({ breaker: 'half_open', claimed: Math.floor(200 * fraction) });
    const byBudget = await dispatchDue(halfOpen().deps, { spreadSeconds: 0, maxPerRun: 1000, requestsPerMinute: 600, requestsPerSync: 3 });
    expect(byBudget.claimed).toBe(Math.floor((600 * fraction) / 3));
  });
});

describe('dispatchDue: the claim is the lease', () => {
  it('claims nobody whose lease is live (a manual sync or a write running), and claims them once it ended', async () => {
    const { schedule, queue, deps } = setup(2);
    const held = await schedule.acquire('user-0000', 'manual-sync', new Date(NOW.getTime() + 60_000).toISOString(), NOW);
    expect(held).toBeDefined();
    // Not even tried: a leased user is not among the due ones dispatch finds.
    expect(await dispatchDue(deps)).toMatchObject({ claimed: 1, lostClaims: 0, leftForLater: 0 });
    expect(schedule.claims).toBe(1);
    expect(queue.jobs.map((j) => j.userId)).toEqual(['user-0001']);
    expect(await schedule.end('user-0000', 'manual-sync', {})).toBe(true);
    expect((await dispatchDue(deps)).claimed).toBe(1);
  });

  it('claims a user again once a crashed worker’s lease ran out: the claim left the due time, the lease keeps runs off until then', async () => {
    const { schedule, queue, deps } = setup(1);
    const dueAt = (await schedule.get('user-0000'))?.nextSyncTime;
    await dispatchDue(deps);
    const [first] = queue.jobs;
    expect(await schedule.get('user-0000')).toMatchObject({ nextSyncTime: dueAt, lease: { owner: first?.claim } });
    // A run while the lease lives finds nobody and tries no claim.
    const before = new Date(NOW.getTime() + LIMITS.syncIntervalSeconds * 1000 - 1000);
    expect(await dispatchDue({ ...deps, clock: { now: () => before } })).toMatchObject({ claimed: 0, lostClaims: 0, leftForLater: 0 });
    expect(schedule.claims).toBe(1);
    const later = new Date(NOW.getTime() + LIMITS.syncIntervalSeconds * 1000 + 1000);
    const next = await dispatchDue({ ...deps, clock: { now: () => later } });
    expect(next.claimed).toBe(1);
    const second = queue.jobs[1];
    expect(second?.claim).not.toBe(first?.claim);
    // The crashed worker's late end writes nothing: the lease is another's.
    expect(await schedule.end('user-0000', first?.claim ?? '', { nextSyncTime: null })).toBe(false);
    expect((await schedule.get('user-0000'))?.lease?.owner).toBe(second?.claim);
  });
});
