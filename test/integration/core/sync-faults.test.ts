import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/dynamo/client';
import { LIMITS } from '../../../functions/core/shared/limits';
import { scanUserItems } from '../../support/scan';
import { ATHLETE, harnessForFile, PASSWORD } from './harness';
import { claimedJob } from '../../support/claim';

const h = harnessForFile();
beforeEach(async () => {
  await h.sim.reset();
  // Each test starts past the window of the previous one's logins: they share the Garmin account's limit.
  h.clock.advance(LIMITS.rateWindowSeconds);
});

const connect = async (): Promise<string> => {
  const user = h.newUser();
  const answer = await h.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: PASSWORD } });
  expect(answer.status).toBe(201);
  return user;
};

/** Synced items of the user (the data table; the change feed records each change once more). */
const itemCount = async (user: string) => (await scanUserItems(createDocumentClient(), { data: h.runtime.tables.data }, user)).length;

describe('sync under faults', () => {
  it('creates no duplicate item when SQS delivers the same job twice', async () => {
    const user = await connect();
    await h.runtime.drainQueue();
    const before = await itemCount(user);
    await h.sim.addActivity(ATHLETE, { typeKey: 'running' });
    const queue = h.runtime.services.deps.queue;
    await queue.enqueue([{ userId: user, reason: 'backfill' }, { userId: user, reason: 'backfill' }]);
    expect(await h.runtime.drainQueue()).toBe(2);
    expect(await itemCount(user)).toBe(before + 1);
  });

  it('a scheduled job delivered twice at once that cannot refresh the tokens may run twice: the same data, the tokens and the schedule right', async () => {
    const user = await connect();
    await h.runtime.drainQueue();
    const { schedules, queue, connections } = h.runtime.services.deps;
    const before = await connections.get(user);
    // Garmin's tokens live 18–30 h: the library refreshes them only then, not in this run.
    expect(before?.cursors.tokensRefreshAt && before.cursors.tokensRefreshAt > h.clock.now().toISOString()).toBe(true);
    await h.sim.addActivity(ATHLETE, { typeKey: 'running' });
    const items = await itemCount(user);
    const job = await claimedJob(schedules, user, h.clock.now());
    await queue.enqueue([job, job]);
    await h.sim.resetCounters();
    expect(await h.runtime.drainQueue()).toBe(2);
    expect(await h.sim.count('token-refresh')).toBe(0);
    expect(await itemCount(user)).toBe(items + 1);
    const after = await connections.get(user);
    expect(after?.tokens).toBe(before?.tokens);
    expect(after?.nextSyncTime && after.nextSyncTime > h.clock.now().toISOString()).toBe(true);
    expect((await schedules.get(user))?.lease).toBeUndefined();
  });

  it('runs a scheduled job once when it is delivered twice at once and may refresh the tokens', async () => {
    await h.sim.tokenTtl(ATHLETE, 60);
    const user = await connect();
    await h.runtime.drainQueue();
    const { schedules, queue } = h.runtime.services.deps;
    const job = await claimedJob(schedules, user, h.clock.now());
    await queue.enqueue([job, job]);
    await h.sim.resetCounters();
    expect(await h.runtime.drainQueue()).toBe(2);
    expect(await h.sim.count('activities')).toBe(1);
    // The tokens the one run rotated are the stored ones: the next sync works with them.
    expect((await h.runtime.services.sync.run({ userId: user, reason: 'backfill' })).status).toBe('synced');
  });

  it.each([
    { status: 429, expectedCode: 'RATE_LIMITED', minDelaySeconds: LIMITS.rateLimitedBackoffSeconds },
    { status: 503, expectedCode: 'UPSTREAM_UNAVAILABLE', minDelaySeconds: LIMITS.backoffBaseSeconds },
  ])('keeps cursors where stored data ends and defers the next sync after a Garmin $status mid-sync', async ({ status, expectedCode, minDelaySeconds }) => {
    const user = h.newUser();
    await h.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: PASSWORD } });
    // Activities arrive (first page), then daily summaries fail after three days.
    await h.sim.fault({ endpoint: 'daily-summary', status, skip: 3, retryAfter: 60 });
    await h.runtime.drainQueue();

    const connection = await h.runtime.services.deps.connections.get(user);
    expect(connection?.status).toBe('backing_off');
    expect(connection?.isActive).toBe(true);
    expect(connection?.lastError?.code).toBe(expectedCode);
    expect(Date.parse(connection?.nextSyncTime ?? '')).toBeGreaterThanOrEqual(h.clock.now().getTime() + (minDelaySeconds - 5) * 1000);

    const backfillFrom = connection?.cursors.backfillFrom ?? '';
    const stored = await h.runtime.services.deps.data.queryDailySummaries(user, backfillFrom, '2999-12-31');
    expect(stored).toHaveLength(3);
    expect(connection?.cursors.summariesFinalThrough).toBe(stored.at(-1)?.date);
    const activities = await h.runtime.services.deps.data.queryActivities(user, { limit: 1 });
    expect(connection?.cursors.activitiesNewestLocal).toBe(activities.items[0]?.startTimeLocal);
  });

  it('keeps syncing while the refresh token rotates on three consecutive syncs', async () => {
    await h.sim.tokenTtl(ATHLETE, 60);
    const user = await connect();
    await h.runtime.drainQueue();
    const { connections, vault } = h.runtime.services.deps;
    const refreshTokens = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const run = await h.runtime.services.sync.run({ userId: user, reason: 'backfill' });
      expect(run.status).toBe('synced');
      const record = await connections.get(user);
      const blob = JSON.parse(await vault.decrypt(user, 'tokens', record?.tokens ?? '')) as { di_refresh_token: string };
      refreshTokens.add(blob.di_refresh_token);
    }
    expect(refreshTokens.size).toBe(3);
    expect(await h.sim.count('token-refresh')).toBeGreaterThanOrEqual(3);
  });

  it('marks the connection as needing the user when Garmin revokes the tokens and no password is stored', async () => {
    const user = h.newUser();
    await h.api('POST /garmin/connection', {
      userId: user,
      body: { username: ATHLETE, password: PASSWORD, rememberPassword: false },
    });
    await h.runtime.drainQueue();
    await h.sim.revoke(ATHLETE);
    const run = await h.runtime.services.sync.run({ userId: user, reason: 'backfill' });
    expect(run.status).toBe('failed');
    expect(run.connection).toMatchObject({ status: 'needs_reauth', isActive: false });
    expect(run.connection?.nextSyncTime).toBeUndefined();
  });

  it('logs in again with the stored password when Garmin revokes the tokens', async () => {
    const user = await connect();
    await h.runtime.drainQueue();
    await h.sim.revoke(ATHLETE);
    await h.sim.resetCounters();
    const run = await h.runtime.services.sync.run({ userId: user, reason: 'backfill' });
    expect(run.connection).toMatchObject({ status: 'active', isActive: true });
    expect(await h.sim.count('sso-login')).toBe(1);
    const next = await h.runtime.services.sync.run({ userId: user, reason: 'backfill' });
    expect(next.status).toBe('synced');
  });
});
