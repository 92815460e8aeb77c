/**
 * A backfill is a chain of chunks (LIMITS.summaryDatesPerSync days each, one sync each) that
 * survives a worker dying at any point: cursors move only past what is stored, the job is
 * delivered again, nothing is stored twice, and the API shows how far it got.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../functions/core/shared/limits';
import type { ConnectionStore } from '../../../functions/core/shared/ports';
import { SyncService } from '../../../functions/core/sync/sync-service';
import { ATHLETE, harnessForFile, PASSWORD } from '../core/harness';

/** Deeper than LIMITS.backfillDays: a chain of several chunks. */
const DEPTH = 120;
const h = harnessForFile({ backfillDays: DEPTH });

beforeEach(async () => {
  await h.sim.reset();
});

interface BackfillView {
  from: string;
  done: boolean;
  through: string | null;
  percent: number;
}

const backfillOf = async (user: string): Promise<BackfillView> => {
  const answer = await h.api('GET /garmin/connection', { userId: user });
  return (answer.body.connection as { backfill: BackfillView }).backfill;
};

const connect = async (): Promise<string> => {
  const user = h.newUser();
  const answer = await h.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: PASSWORD } });
  expect(answer.status).toBe(201);
  await h.runtime.settleConnectWorkers();
  await h.sim.resetCounters();
  return user;
};

const storedDays = async (user: string, from: string) =>
  (await h.runtime.services.deps.data.queryDailySummaries(user, from, '2999-12-31')).map((s) => s.date);

describe('backfill after a crash', () => {
  it('continues where it stopped when the worker dies between storing a chunk and queueing the next', async () => {
    const user = await connect();
    const dying = new SyncService({
      ...h.runtime.services.deps,
      queue: {
        enqueue: async () => {
          throw new Error('worker died');
        },
      },
    });
    await expect(dying.run({ userId: user, reason: 'backfill' })).rejects.toThrow('worker died');

    const partway = await backfillOf(user);
    expect(partway.done).toBe(false);
    expect(partway.through).not.toBeNull();
    expect(partway.percent).toBeGreaterThan(15);
    expect(partway.percent).toBeLessThan(40);
    expect(await storedDays(user, partway.from)).toHaveLength(LIMITS.summaryDatesPerSync);

    // SQS delivers the job again (here: the one connect queued) and the chain runs to the end.
    await h.runtime.drainQueue();
    const done = await backfillOf(user);
    expect(done).toMatchObject({ from: partway.from, done: true, percent: 100 });
    const days = await storedDays(user, done.from);
    expect(new Set(days).size).toBe(days.length);
    expect(days.length).toBeGreaterThanOrEqual(DEPTH);
    // Every day was asked for once: the chunk stored before the crash was not fetched again.
    expect(await h.sim.count('daily-summary')).toBe(days.length);
  });

  it('fetches a chunk again, without storing anything twice, when the worker dies before moving the cursors', async () => {
    const user = await connect();
    const { connections } = h.runtime.services.deps;
    let failOnce = true;
    const dyingStore: ConnectionStore = Object.assign(Object.create(connections) as ConnectionStore, {
      update: async (...args: Parameters<ConnectionStore['update']>) => {
        if (failOnce && args[2].cursors) {
          failOnce = false;
          throw new Error('worker died');
        }
        return connections.update(...args);
      },
    });
    const dying = new SyncService({ ...h.runtime.services.deps, connections: dyingStore });
    await expect(dying.run({ userId: user, reason: 'backfill' })).rejects.toThrow('worker died');
    const before = await backfillOf(user);
    expect(before).toMatchObject({ done: false, through: null, percent: 0 });

    await h.runtime.drainQueue();
    const done = await backfillOf(user);
    expect(done.done).toBe(true);
    const days = await storedDays(user, done.from);
    expect(new Set(days).size).toBe(days.length);
    // The lost chunk cost its requests twice; nothing else did.
    expect(await h.sim.count('daily-summary')).toBe(days.length + LIMITS.summaryDatesPerSync);
  });
});
