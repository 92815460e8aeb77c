/**
 * Issue 10, finding 5: a sync runs within its function's own deadline (the Lambda context's
 * remaining time, handed down by the sync worker). A re-login the function could cut off is not
 * started: the sync ends keeping tokens and cursors and the next sync logs in. A fetch stopped
 * by its deadline (DEADLINE_REACHED) is a failed sync, in the metrics and in the connection's
 * state, and no cursor moves past what was not fetched.
 */
import type { SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/dynamo/client';
import { LIMITS } from '../../../functions/core/shared/limits';
import { METRIC } from '../../../functions/core/shared/metrics';
import type { SyncJob } from '../../../functions/core/shared/ports';
import { metrics } from '../../../functions/handlers/commons/metrics';
import { syncRecord } from '../../../functions/handlers/sync-worker';
import { TIMEOUT_SECONDS } from '../../../infra/sizing';
import { lambdaContext } from '../../../scripts/local/apigw-events';
import { scanUserItems } from '../../support/scan';
import { ATHLETE, harnessForFile, PASSWORD } from './harness';

const h = harnessForFile();
beforeEach(async () => {
  await h.sim.reset();
  // Past the window of the previous test's logins: they share the Garmin account's limit.
  h.clock.advance(LIMITS.rateWindowSeconds);
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** One SQS delivery of `job` to the sync worker, with `remainingMs` of the function's time left. */
const deliver = (job: SyncJob, remainingMs: number) =>
  syncRecord(() => h.runtime.functions.syncWorker.services)({ body: JSON.stringify(job) } as SQSRecord, lambdaContext('syncWorker', remainingMs));

const connect = async (): Promise<string> => {
  const user = h.newUser();
  expect((await h.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: PASSWORD } })).status).toBe(201);
  return user;
};

const dataItems = async (user: string) =>
  (await scanUserItems(createDocumentClient(), { data: h.runtime.tables.data }, user)).map(({ item }) => `${String(item.user_id)} ${String(item.sk)}`).sort();

describe('a sync within its function deadline', () => {
  it('starts no re-login the function could cut off, loses nothing, and the next sync logs in', async () => {
    const user = await connect();
    await h.runtime.drainQueue();
    const { connections } = h.runtime.services.deps;
    const before = await connections.get(user);
    const itemsBefore = await dataItems(user);
    await h.sim.revoke(ATHLETE);
    await h.sim.resetCounters();

    const status = await deliver({ userId: user, reason: 'backfill' }, (LIMITS.syncReloginMinSeconds - 5) * 1000);
    expect(status).toBe('failed');
    expect(await h.sim.count('sso-login')).toBe(0);
    const after = await connections.get(user);
    // Tokens and cursors as they were, still active, due again at once.
    expect(after).toMatchObject({ isActive: true, status: 'backing_off', tokens: before?.tokens, cursors: before?.cursors });
    expect(after?.lastError?.code).toBe('TOKEN_REJECTED');
    expect(Date.parse(after?.nextSyncTime ?? '')).toBeLessThanOrEqual(h.clock.now().getTime());
    expect(await dataItems(user)).toEqual(itemsBefore);

    // A whole function's time: the re-login happens, then syncing goes on.
    expect(await deliver({ userId: user, reason: 'backfill' }, TIMEOUT_SECONDS.syncWorker * 1000)).toBe('failed');
    expect(await h.sim.count('sso-login')).toBe(1);
    expect(await connections.get(user)).toMatchObject({ isActive: true, status: 'active' });
    expect(await deliver({ userId: user, reason: 'backfill' }, TIMEOUT_SECONDS.syncWorker * 1000)).toBe('synced');
    expect(await h.sim.count('sso-login')).toBe(1);
  });

  it('counts a fetch stopped by the deadline as a failed sync and keeps every cursor at what was stored', async () => {
    const user = await connect();
    const addMetric = vi.spyOn(metrics, 'addMetric');
    // Activities and two days arrive; every later day answers only after the deadline.
    await h.sim.fault({ endpoint: 'daily-summary', latencyMs: 4000, skip: 2 });

    // Six seconds left: the fetch's deadline is in three (half of what is left, less than LIMITS.syncFinishSeconds).
    const status = await deliver({ userId: user, reason: 'backfill' }, 6000);
    expect(status).toBe('failed');
    expect(addMetric).toHaveBeenCalledWith(METRIC.syncsFailed, expect.anything(), 1);
    expect(addMetric).not.toHaveBeenCalledWith(METRIC.syncsSucceeded, expect.anything(), expect.anything());

    const connection = await h.runtime.services.deps.connections.get(user);
    expect(connection).toMatchObject({ isActive: true, status: 'backing_off', consecutiveFailures: 1 });
    expect(connection?.lastError?.code).toBe('DEADLINE_REACHED');
    expect(Date.parse(connection?.nextSyncTime ?? '')).toBeGreaterThan(h.clock.now().getTime());
    const { deps } = h.runtime.services;
    const stored = await deps.data.queryDailySummaries(user, connection?.cursors.backfillFrom ?? '2000-01-01', '2999-12-31');
    // At most the day in flight at the deadline besides the two; the cursor ends where they end.
    expect(stored.length).toBeGreaterThanOrEqual(2);
    expect(stored.length).toBeLessThanOrEqual(3);
    expect(connection?.cursors.summariesFinalThrough).toBe(stored.at(-1)?.date);
    const newest = await deps.data.queryActivities(user, { limit: 1 });
    expect(connection?.cursors.activitiesNewestLocal).toBe(newest.items[0]?.startTimeLocal);
    expect(connection?.cursors.backfillDone).not.toBe(true);
  });
});

describe('a manual sync within its function deadline', () => {
  // The sync function (POST /garmin/sync) with less time than a re-login needs.
  const short = harnessForFile({ timeoutsMs: { sync: (LIMITS.syncReloginMinSeconds - 5) * 1000 } });

  it('hands the function deadline to the sync: no re-login, tokens kept', async () => {
    await short.sim.reset();
    short.clock.advance(LIMITS.rateWindowSeconds);
    const user = short.newUser();
    expect((await short.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: PASSWORD } })).status).toBe(201);
    await short.runtime.drainQueue();
    const before = await short.runtime.services.deps.connections.get(user);
    await short.sim.revoke(ATHLETE);
    await short.sim.resetCounters();

    const answer = await short.api('POST /garmin/sync', { userId: user, body: { force: true } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'failed', error: { code: 'TOKEN_REJECTED' } });
    expect(await short.sim.count('sso-login')).toBe(0);
    expect(await short.runtime.services.deps.connections.get(user)).toMatchObject({ isActive: true, tokens: before?.tokens, cursors: before?.cursors });
  });
});
