/** Dispatch over DynamoDB Local: concurrent dispatchers, the budget, and what the claim leaves behind. */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '../../../functions/adapters/dynamo/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoConnectionStore } from '../../../functions/adapters/dynamo/connection-store';
import { DynamoGarminGuardStore } from '../../../functions/adapters/dynamo/garmin-guard-store';
import { DynamoScheduleStore, dueShardOf, scheduleKey } from '../../../functions/adapters/dynamo/schedule-store';
import { LIMITS } from '../../../functions/core/shared/limits';
import type { ConnectionRecord, SyncJob } from '../../../functions/core/shared/ports';
import { dispatchDue } from '../../../functions/core/sync/dispatch-service';
import { budgetWindow } from '../../../functions/core/sync/budget';
import { createTestTables, type TestTables } from '../dynamo/tables';

let tables: TestTables;
let connections: DynamoConnectionStore;
let schedules: DynamoScheduleStore;
let guard: DynamoGarminGuardStore;
beforeAll(async () => {
  tables = await createTestTables();
  connections = new DynamoConnectionStore(tables.doc, tables.names.connections);
  schedules = new DynamoScheduleStore(tables.doc, tables.names.connections);
  guard = new DynamoGarminGuardStore(tables.doc, tables.names.data);
});

const record = (userId: string, nextSyncTime: string): ConnectionRecord => ({
  userId,
  username: 'athlete@example.com',
  tokens: 'ciphertext',
  isActive: true,
  status: 'active',
  nextSyncTime,
  consecutiveFailures: 0,
  cursors: {},
  createdAt: '2026-01-01T00:00:00.000Z',
  version: 1,
});

const seed = async (prefix: string, count: number, due: Date) => {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  for (let i = 0; i < ids.length; i += 25) {
    await Promise.all(ids.slice(i, i + 25).map((id) => connections.put(record(id, due.toISOString()))));
  }
  return ids;
};

const recorder = () => {
  const jobs: SyncJob[] = [];
  return { jobs, queue: { enqueue: async (batch: SyncJob[]) => void jobs.push(...batch) } };
};

describe('dispatch on DynamoDB', () => {
  it('two dispatchers running at once claim every due user exactly once between them', async () => {
    // Far in the past, so no other test's users are due before these.
    const now = new Date('2001-01-01T12:00:00Z');
    const ids = await seed('pair', 120, new Date(now.getTime() - 60_000));
    const a = recorder();
    const b = recorder();
    const deps = { schedules, guard, clock: { now: () => now }, random: Math.random, newId: randomUUID };
    const [ra, rb] = await Promise.all([
      dispatchDue({ ...deps, queue: a.queue }, { spreadSeconds: 0, claimConcurrency: 8 }),
      dispatchDue({ ...deps, queue: b.queue }, { spreadSeconds: 0, claimConcurrency: 8 }),
    ]);
    const queued = [...a.jobs, ...b.jobs].map((j) => j.userId);
    expect(queued.sort()).toEqual([...ids].sort());
    expect(ra.claimed + rb.claimed).toBe(120);
    // Each job carries its claim, the lease for one interval (a duplicate delivery is recognised by it); the due time stays.
    const claimUntil = new Date(now.getTime() + LIMITS.syncIntervalSeconds * 1000).toISOString();
    const job = [...a.jobs, ...b.jobs].find((j) => j.userId === 'pair-7');
    expect(await schedules.get('pair-7')).toMatchObject({ nextSyncTime: new Date(now.getTime() - 60_000).toISOString(), lease: { owner: job?.claim, until: claimUntil } });
    expect([...a.jobs, ...b.jobs].every((j) => j.dueAt === claimUntil)).toBe(true);

    // Still in the due index, but leased: a later run reads past them to users it can claim.
    const after = await seed('after', 6, new Date(now.getTime() - 30_000));
    const later = new Date(now.getTime() + 60_000);
    for (const shard of new Set(after.map(dueShardOf))) {
      const found = await schedules.findDue(shard, later, 1);
      expect(found).toHaveLength(1);
      expect(after).toContain(found[0]?.userId);
    }
    const c = recorder();
    const rc = await dispatchDue({ ...deps, clock: { now: () => later }, queue: c.queue }, { spreadSeconds: 0 });
    expect(rc).toMatchObject({ claimed: 6, lostClaims: 0 });
    expect(c.jobs.map((j) => j.userId).sort()).toEqual([...after].sort());
  });

  it('claims no more users than the shared budget allows, across dispatchers', async () => {
    // Tables of its own: only these 80 users are due.
    const own = await createTestTables();
    connections = new DynamoConnectionStore(own.doc, own.names.connections);
    schedules = new DynamoScheduleStore(own.doc, own.names.connections);
    guard = new DynamoGarminGuardStore(own.doc, own.names.data);
    const now = new Date('2001-02-01T12:00:10Z');
    await seed('budget', 80, new Date(now.getTime() - 60_000));
    const a = recorder();
    const b = recorder();
    const deps = { schedules, guard, clock: { now: () => now }, random: Math.random, newId: randomUUID };
    const options = { spreadSeconds: 0, requestsPerMinute: 90, requestsPerSync: 3 };
    const [ra, rb] = await Promise.all([dispatchDue({ ...deps, queue: a.queue }, options), dispatchDue({ ...deps, queue: b.queue }, options)]);
    expect(ra.claimed + rb.claimed).toBe(30);
    expect(new Set([...a.jobs, ...b.jobs].map((j) => j.userId)).size).toBe(30);
    expect(await guard.used(budgetWindow(now))).toBe(90);
    // The rest stay due for a later run.
    const stillDue = (await Promise.all(Array.from({ length: 16 }, (_, shard) => schedules.findDue(shard, now, 100)))).flat();
    expect(stillDue).toHaveLength(50);
  });

  it('claims a connection an older version scheduled on its connection item once, moving the schedule into the schedule item', async () => {
    // The shared tables (the test before moved to tables of its own).
    const schedules = new DynamoScheduleStore(tables.doc, tables.names.connections);
    const connections = new DynamoConnectionStore(tables.doc, tables.names.connections);
    const guard = new DynamoGarminGuardStore(tables.doc, tables.names.data);
    const now = new Date('2001-03-01T12:00:00Z');
    const userId = 'legacy-user';
    const due = new Date(now.getTime() - 60_000).toISOString();
    await tables.doc.send(
      new PutCommand({
        TableName: tables.names.connections,
        Item: { ...connectionItem(userId), next_sync_time: due, due_shard: dueShardOf(userId), last_sync_time: '2001-03-01T11:44:00.000Z' },
      }),
    );
    const a = recorder();
    const b = recorder();
    const deps = { schedules, guard, clock: { now: () => now }, random: Math.random, newId: randomUUID };
    // Two dispatchers at once: one claim wins.
    await Promise.all([dispatchDue({ ...deps, queue: a.queue }, { spreadSeconds: 0 }), dispatchDue({ ...deps, queue: b.queue }, { spreadSeconds: 0 })]);
    const jobs = [...a.jobs, ...b.jobs].filter((j) => j.userId === userId);
    expect(jobs).toHaveLength(1);
    const claimUntil = new Date(now.getTime() + LIMITS.syncIntervalSeconds * 1000).toISOString();
    const raw = async (key: Record<string, string>) =>
      (await tables.doc.send(new GetCommand({ TableName: tables.names.connections, Key: key, ConsistentRead: true }))).Item;
    const legacy = await raw({ user_id: userId });
    expect(legacy).not.toHaveProperty('next_sync_time');
    expect(legacy).not.toHaveProperty('due_shard');
    expect(await raw(scheduleKey(userId))).toMatchObject({ next_sync_time: due, due_shard: dueShardOf(userId), lease_owner: jobs[0]?.claim, lease_until: claimUntil });
    // Read as before: the connection's lastSyncTime until a sync of this version writes its own.
    expect(await connections.get(userId)).toMatchObject({ nextSyncTime: due, lastSyncTime: '2001-03-01T11:44:00.000Z' });
    // While the lease lives nobody claims the user; once it ran out it is claimed again, from the schedule item alone.
    const during = recorder();
    await dispatchDue({ ...deps, clock: { now: () => new Date(Date.parse(claimUntil) - 1000) }, queue: during.queue }, { spreadSeconds: 0 });
    expect(during.jobs.filter((j) => j.userId === userId)).toHaveLength(0);
    const later = new Date(Date.parse(claimUntil) + 1000);
    const again = recorder();
    await dispatchDue({ ...deps, clock: { now: () => later }, queue: again.queue }, { spreadSeconds: 0 });
    expect(again.jobs.filter((j) => j.userId === userId)).toHaveLength(1);
  });
});

/** A connection item as the version before the schedule item wrote it (its schedule added by the test). */
const connectionItem = (userId: string) => ({
  user_id: userId,
  username: 'athlete@example.com',
  tokens: 'ciphertext',
  is_active: true,
  status: 'active',
  consecutive_failures: 0,
  cursors: {},
  created_at: '2001-01-01T00:00:00.000Z',
  version: 3,
});
