/** Dispatch over DynamoDB Local: concurrent dispatchers, the budget, and what the claim leaves behind. */
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoConnectionStore } from '../../../functions/adapters/dynamo/connection-store';
import { DynamoGarminGuardStore } from '../../../functions/adapters/dynamo/garmin-guard-store';
import { LIMITS } from '../../../functions/core/shared/limits';
import type { ConnectionRecord, SyncJob } from '../../../functions/core/shared/ports';
import { dispatchDue } from '../../../functions/core/sync/dispatch-service';
import { budgetWindow } from '../../../functions/core/sync/budget';
import { createTestTables, type TestTables } from '../dynamo/tables';

let tables: TestTables;
let connections: DynamoConnectionStore;
let guard: DynamoGarminGuardStore;
beforeAll(async () => {
  tables = await createTestTables();
  connections = new DynamoConnectionStore(tables.doc, tables.names.connections);
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
    const deps = { connections, clock: { now: () => now }, random: Math.random };
    const [ra, rb] = await Promise.all([
      dispatchDue({ ...deps, queue: a.queue }, { spreadSeconds: 0, claimConcurrency: 8 }),
      dispatchDue({ ...deps, queue: b.queue }, { spreadSeconds: 0, claimConcurrency: 8 }),
    ]);
    const queued = [...a.jobs, ...b.jobs].map((j) => j.userId);
    expect(queued.sort()).toEqual([...ids].sort());
    expect(ra.claimed + rb.claimed).toBe(120);
    // Each job carries the due time its claim wrote; a duplicate delivery is recognised by it.
    const claimUntil = new Date(now.getTime() + LIMITS.syncIntervalSeconds * 1000).toISOString();
    expect((await connections.get('pair-7'))?.nextSyncTime).toBe(claimUntil);
    expect([...a.jobs, ...b.jobs].every((j) => j.dueAt === claimUntil)).toBe(true);
  });

  it('claims no more users than the shared budget allows, across dispatchers', async () => {
    // Tables of its own: only these 80 users are due.
    const own = await createTestTables();
    connections = new DynamoConnectionStore(own.doc, own.names.connections);
    guard = new DynamoGarminGuardStore(own.doc, own.names.data);
    const now = new Date('2001-02-01T12:00:10Z');
    await seed('budget', 80, new Date(now.getTime() - 60_000));
    const a = recorder();
    const b = recorder();
    const deps = { connections, guard, clock: { now: () => now }, random: Math.random };
    const options = { spreadSeconds: 0, requestsPerMinute: 90, requestsPerSync: 3 };
    const [ra, rb] = await Promise.all([dispatchDue({ ...deps, queue: a.queue }, options), dispatchDue({ ...deps, queue: b.queue }, options)]);
    expect(ra.claimed + rb.claimed).toBe(30);
    expect(new Set([...a.jobs, ...b.jobs].map((j) => j.userId)).size).toBe(30);
    expect(await guard.used(budgetWindow(now))).toBe(90);
    // The rest stay due for a later run.
    const stillDue = (await Promise.all(Array.from({ length: 16 }, (_, shard) => connections.findDue(shard, now, 100)))).flat();
    expect(stillDue).toHaveLength(50);
  });
});
