/**
 * Issue 10: fault tests with figures. Each scenario breaks one thing at its real seam (the
 * stdio bridge process killed, DynamoDB refusing requests with
 * ProvisionedThroughputExceededException, SQS delivering twice and out of order, a disconnect
 * or an account switch racing a login or a sync, function clocks minutes apart), lets the
 * system recover as deployed (SQS redelivery, the next scheduled sync, the user retrying),
 * then counts against what Garmin holds what the app lost and how many password logins it
 * cost. A last sync after the access token expired proves the stored refresh token works: a
 * token is lost when a sync needed a password login the user did not ask for, or the
 * connection ended needing the user.
 *
 * The table is printed and must equal the one in docs/reliability.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/dynamo/client';
import { LIMITS } from '../../../functions/core/shared/limits';
import type { ConnectionRecord } from '../../../functions/core/shared/ports';
import { type DynamoThrottle, type FaultInjector, killBridgeProcess } from '../../../scripts/local/fault-injection';
import { REPO_ROOT } from '../../../scripts/local/paths';
import { personalItemsLeft } from '../../support/scan';
import { harnessForFile, PASSWORD } from '../core/harness';
import { advance, readActivities, scheduledSync } from '../garmin/garmin-world';
import { type FaultFigures, type GarminHolds, eventually, faultTable, garminAccount, logins, lost, requests, toAfternoon, upload } from './fault-world';
import { claimedJob } from '../../support/claim';

// A failed sync job is visible again at once: the next drain is SQS's redelivery.
const h = harnessForFile({ injectFaults: true, syncVisibilityTimeoutSeconds: 0 });
let faults: FaultInjector;
const figures: FaultFigures[] = [];

beforeAll(async () => {
  if (!h.runtime.faults) throw new Error('the runtime was started without fault injection');
  faults = h.runtime.faults;
  await h.sim.reset();
});
// A scenario that failed half-way leaves no fault behind.
beforeEach(async () => {
  faults.clear();
  await h.sim.clearFaults();
  await toAfternoon(h);
});

/** Connects `holds` (keeping the password or not) for a new user and backfills; the counters start after it. */
const connectedWith = async (holds: GarminHolds, rememberPassword: boolean): Promise<string> => {
  const user = h.newUser();
  const body = { username: holds.email, password: PASSWORD, rememberPassword };
  expect((await h.api('POST /garmin/connection', { userId: user, body })).status).toBe(201);
  await h.runtime.drainQueue();
  await h.sim.resetCounters();
  return user;
};

/** A Garmin account with data, connected (password kept) and backfilled. */
const connected = async (): Promise<{ holds: GarminHolds; user: string }> => {
  const holds = await garminAccount(h);
  return { holds, user: await connectedWith(holds, true) };
};

/** What dispatch enqueues for a due connection (not yet delivered). */
const scheduledJob = async (user: string): Promise<void> => {
  const { schedules, queue } = h.runtime.services.deps;
  await queue.enqueue([await claimedJob(schedules, user, h.clock.now())]);
};

const connection = async (user: string): Promise<ConnectionRecord | undefined> => h.runtime.services.deps.connections.get(user);

/** The user's whole change feed. */
const feed = async (user: string): Promise<unknown[]> => {
  const items: unknown[] = [];
  let cursor: string | undefined;
  for (;;) {
    const answer = await h.api('GET /garmin/changes', { userId: user, query: { limit: '100', ...(cursor ? { cursor } : {}) } });
    expect(answer.status).toBe(200);
    items.push(...(answer.body.items as unknown[]));
    cursor = answer.body.nextCursor as string;
    if (!answer.body.hasMore) return items;
  }
};

const dlqEmpty = async (): Promise<boolean> => {
  const received = await new SQSClient({}).send(new ReceiveMessageCommand({ QueueUrl: h.runtime.dlqUrl, WaitTimeSeconds: 0 }));
  return (received.Messages ?? []).length === 0;
};

/**
 * The figures after recovery: the access token expires, one more scheduled sync must
 * refresh it with the stored refresh token; then what the app reads is compared with what
 * Garmin holds. `userLogins`: the password logins the user asked for (connects).
 */
const figuresOf = async (
  scenario: string,
  user: string,
  holds: GarminHolds,
  { emails = [holds.email], userLogins = 0, outcome }: { emails?: string[]; userLogins?: number; outcome: string },
): Promise<FaultFigures> => {
  const { accessTtlSeconds } = (await h.sim.accountSettings(holds.email)).tokens;
  await advance(h, accessTtlSeconds + 120);
  const after = await scheduledSync(h, user);
  faults.clear();
  expect(await dlqEmpty()).toBe(true);
  const { activities, days } = await lost(h, user, holds);
  const n = await logins(h, ...emails);
  const row: FaultFigures = {
    scenario,
    lostActivities: activities,
    lostDays: days,
    lostTokens: n - userLogins + (after?.status === 'needs_reauth' ? 1 : 0),
    logins: n,
    outcome: after?.status === 'active' ? outcome : `${outcome}; ends ${after?.status ?? 'disconnected'}`,
  };
  figures.push(row);
  return row;
};

const nothingLost = (row: FaultFigures, logins: number) =>
  expect(row).toMatchObject({ lostActivities: 0, lostDays: 0, lostTokens: 0, logins });

describe('faults, and what they cost', () => {
  it('bridge process killed mid-fetch', async () => {
    const { holds, user } = await connected();
    await upload(h, holds);
    // Garmin holds the fetch's day reads; the bridge dies while one is in flight.
    await h.sim.fault({ account: holds.email, endpoint: 'daily-summary', latencyMs: 2000 });
    await scheduledJob(user);
    const draining = h.runtime.drainQueue();
    await eventually('a day read at Garmin', async () => (await requests(h, holds.email, 'daily-summary')) >= 1);
    killBridgeProcess();
    expect(await draining).toBe(0);
    await h.sim.clearFaults();
    // SQS redelivers the job; the transport starts a new bridge process.
    expect(await h.runtime.drainQueue()).toBe(1);
    nothingLost(await figuresOf('bridge process killed mid-fetch (SIGKILL)', user, holds, { outcome: 'job redelivered by SQS, synced by a new bridge process' }), 0);
  });

  /**
   * A scheduled sync whose fetch refreshes the tokens; the bridge is killed once Garmin has
   * rotated the refresh token, so the new one lives nowhere. SQS keeps the job.
   */
  const loseRotatedToken = async (user: string, holds: GarminHolds): Promise<void> => {
    await upload(h, holds);
    await h.sim.fault({ account: holds.email, endpoint: 'daily-summary', latencyMs: 2000 });
    await scheduledJob(user);
    const draining = h.runtime.drainQueue();
    await eventually('the refresh at Garmin', async () => (await requests(h, holds.email, 'token-refresh')) >= 1);
    killBridgeProcess();
    expect(await draining).toBe(0);
    await h.sim.clearFaults();
  };

  /** Garmin no longer takes the stored access token: the next fetch refreshes it. */
  const expireAccessToken = async (holds: GarminHolds): Promise<void> => {
    const { accessTtlSeconds } = (await h.sim.accountSettings(holds.email)).tokens;
    await advance(h, accessTtlSeconds + 120);
  };

  it('rotated refresh token lost: the bridge killed after Garmin rotated it', async () => {
    const holds = await garminAccount(h);
    const user = await connectedWith(holds, true);
    await expireAccessToken(holds);
    await loseRotatedToken(user, holds);
    // The redelivered job: the stored refresh token is spent, so one login with the kept password.
    expect(await h.runtime.drainQueue()).toBe(1);
    expect(await connection(user)).toMatchObject({ status: 'active', isActive: true, lastError: { code: 'TOKEN_REJECTED' } });
    expect(await logins(h, holds.email)).toBe(1);
    const row = await figuresOf('rotated refresh token lost (bridge killed after the refresh)', user, holds, {
      outcome: 'recovered: one login with the kept password, then synced',
    });
    expect(row).toMatchObject({ lostActivities: 0, lostDays: 0, lostTokens: 1, logins: 1 });
  });

  it('rotated refresh token lost while the old access token still works', async () => {
    const holds = await garminAccount(h);
    // Access tokens that always expire within the library's 15 min margin: it refreshes before every request.
    await h.sim.tokenLifetimes(holds.email, { accessTtlSeconds: 600 });
    const user = await connectedWith(holds, true);
    await loseRotatedToken(user, holds);
    // The redelivered job: Garmin refuses the spent refresh token, the library goes on with the old access token.
    expect(await h.runtime.drainQueue()).toBe(1);
    const synced = await connection(user);
    expect(synced?.status).toBe('active');
    expect(synced?.lastError).toBeUndefined();
    expect(await logins(h, holds.email)).toBe(0);
    expect(await lost(h, user, holds)).toEqual({ activities: 0, days: 0 });
    // When that access token expires, the spent refresh token costs the one login.
    const row = await figuresOf('rotated refresh token lost, old access token still valid (refreshed 15 min early)', user, holds, {
      outcome: 'synced on the old access token (0 logins); one login with the kept password once it expired',
    });
    expect(row).toMatchObject({ lostActivities: 0, lostDays: 0, lostTokens: 1, logins: 1 });
  });

  it('rotated refresh token lost without a kept password', async () => {
    const holds = await garminAccount(h);
    const user = await connectedWith(holds, false);
    await expireAccessToken(holds);
    await loseRotatedToken(user, holds);
    expect(await h.runtime.drainQueue()).toBe(1);
    expect(await connection(user)).toMatchObject({ status: 'needs_reauth', isActive: false });
    expect(await logins(h, holds.email)).toBe(0);
    // The app asks the user, who signs in again: a login nobody would have needed without the crash.
    expect((await h.api('POST /garmin/connection', { userId: user, body: { username: holds.email, password: PASSWORD, rememberPassword: false } })).status).toBe(
      201,
    );
    await h.runtime.drainQueue();
    const row = await figuresOf('rotated refresh token lost, no password kept', user, holds, {
      outcome: 'needs_reauth until the user signed in again (that login), then synced',
    });
    expect(row).toMatchObject({ lostActivities: 0, lostDays: 0, lostTokens: 1, logins: 1 });
  });

  const throttled = async (scenario: string, spec: DynamoThrottle, outcome: string) => {
    const { holds, user } = await connected();
    await upload(h, holds);
    const uploaded = [...holds.activities.keys()].at(-1) ?? '';
    faults.throttle(spec);
    await scheduledJob(user);
    // Every SDK attempt refused: the invocation fails and SQS keeps the job.
    expect(await h.runtime.drainQueue()).toBe(0);
    expect(faults.refused[spec.table]).toBeGreaterThanOrEqual(3);
    faults.clear();
    expect(await h.runtime.drainQueue()).toBe(1);
    // The app's change feed too: the figures name whether the upload's data.changed event reached it.
    const inFeed = JSON.stringify(await feed(user)).includes(uploaded);
    expect(inFeed, 'the redelivered sync announces what its first attempt stored').toBe(true);
    const row = await figuresOf(scenario, user, holds, { outcome: `${outcome}; its change event in the feed` });
    nothingLost(row, 0);
  };

  it('connections table throttled when the sync saves its result', async () => {
    await throttled(
      'DynamoDB throttling, connections table (the sync saving its result, until cleared)',
      { table: 'connections', operations: ['UpdateItem'] },
      'job failed after Garmin answered; redelivered, stored again idempotently',
    );
  });

  it('data table throttled when the sync stores activities', async () => {
    await throttled(
      'DynamoDB throttling, data table (activity writes, until cleared)',
      { table: 'data', skPrefix: 'ACT#' },
      'job failed after Garmin answered; redelivered, stored',
    );
  });

  it('events table throttled when the sync records its changes', async () => {
    await throttled('DynamoDB throttling, events table (until cleared)', { table: 'events' }, 'job failed after the data was stored; redelivered');
  });

  it('attempts table throttled during a connect', async () => {
    const holds = await garminAccount(h);
    const user = h.newUser();
    await h.sim.resetCounters();
    faults.throttle({ table: 'attempts' });
    const refused = await h.api('POST /garmin/connection', { userId: user, body: { username: holds.email, password: PASSWORD } });
    expect(refused.status).toBe(503);
    expect(refused.body.error?.code).toBe('SERVICE_BUSY');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(faults.refused.attempts).toBeGreaterThanOrEqual(3);
    expect(await logins(h, holds.email)).toBe(0);
    faults.clear();
    // The app retries the connect.
    expect((await h.api('POST /garmin/connection', { userId: user, body: { username: holds.email, password: PASSWORD } })).status).toBe(201);
    await h.runtime.drainQueue();
    const row = await figuresOf('DynamoDB throttling, attempts table (a connect, until cleared)', user, holds, {
      userLogins: 1,
      outcome: `connect answered ${refused.status} before any login; the retry connected`,
    });
    nothingLost(row, 1);
  });

  it('every table throttled briefly (within the SDK retries)', async () => {
    const holds = await garminAccount(h);
    const user = h.newUser();
    await h.sim.resetCounters();
    for (const table of ['connections', 'data', 'attempts', 'events'] as const) faults.throttle({ table, count: 2 });
    expect((await h.api('POST /garmin/connection', { userId: user, body: { username: holds.email, password: PASSWORD } })).status).toBe(201);
    await h.runtime.drainQueue();
    expect(faults.refused).toEqual({ connections: 2, data: 2, attempts: 2, events: 2 });
    await upload(h, holds);
    const row = await figuresOf('DynamoDB throttling, every table, 2 refusals each (connect and sync)', user, holds, {
      userLogins: 1,
      outcome: "absorbed by the SDK's retries",
    });
    nothingLost(row, 1);
  });

  it('SQS delivers twice and out of order', async () => {
    const { holds, user } = await connected();
    const { schedules } = h.runtime.services.deps;
    const stale = await claimedJob(schedules, user, h.clock.now());
    // Its worker crashed: the lease ran out and the user was claimed again.
    await advance(h, LIMITS.syncIntervalSeconds + 1);
    const current = await claimedJob(schedules, user, h.clock.now());
    await upload(h, holds);
    // The current job twice, then the previous claim's job late, then a backfill job.
    await h.runtime.services.deps.queue.enqueue([current, current, stale, { userId: user, reason: 'backfill' }]);
    expect(await h.runtime.drainQueue()).toBe(4);
    const row = await figuresOf('SQS: a job delivered twice, a stale one late, with a backfill job', user, holds, {
      outcome: 'duplicates skipped or run side by side to the same result (no token refresh due), the stale job skipped',
    });
    // No activity stored twice or from elsewhere.
    expect([...(await readActivities(h, user)).keys()].sort()).toEqual([...holds.activities.keys()].sort());
    nothingLost(row, 0);
  });

  it('disconnect during connect', async () => {
    const holds = await garminAccount(h);
    const user = h.newUser();
    await h.sim.resetCounters();
    // The login is past Garmin's token exchange, waiting for the profile, when the user disconnects.
    await h.sim.fault({ account: holds.email, endpoint: 'social-profile', latencyMs: 3000, count: 1 });
    const connecting = h.api('POST /garmin/connection', { userId: user, body: { username: holds.email, password: PASSWORD } });
    await eventually('the profile read at Garmin', async () => (await requests(h, holds.email, 'social-profile')) >= 1);
    expect((await h.api('DELETE /garmin/connection', { userId: user })).status).toBe(204);
    expect((await connecting).status).toBe(404);
    await h.runtime.settleConnectWorkers();
    await h.runtime.drainQueue();
    expect((await h.api('GET /garmin/connection', { userId: user })).status).toBe(404);
    expect(await personalItemsLeft(createDocumentClient(), h.runtime.tables, user)).toEqual([]);
    // The user connects again.
    expect((await h.api('POST /garmin/connection', { userId: user, body: { username: holds.email, password: PASSWORD } })).status).toBe(201);
    await h.runtime.drainQueue();
    const row = await figuresOf('disconnect during a connect (login in flight)', user, holds, {
      userLogins: 2,
      outcome: 'nothing came back after the disconnect; the next connect synced all',
    });
    nothingLost(row, 2);
  });

  it('reconnect to another Garmin account during a sync', async () => {
    const { holds: first, user } = await connected();
    const second = await garminAccount(h);
    await upload(h, first);
    await h.sim.fault({ account: first.email, endpoint: 'daily-summary', latencyMs: 3000, count: 1 });
    await scheduledJob(user);
    const draining = h.runtime.drainQueue();
    await eventually('the old sync at Garmin', async () => (await requests(h, first.email, 'daily-summary')) >= 1);
    expect((await h.api('POST /garmin/connection', { userId: user, body: { username: second.email, password: PASSWORD } })).status).toBe(201);
    await draining;
    await h.runtime.drainQueue();
    const row = await figuresOf('reconnect to another Garmin account during a sync', user, second, {
      emails: [first.email, second.email],
      userLogins: 1,
      outcome: "the old sync's writes discarded; the new account synced whole",
    });
    const listed = await readActivities(h, user);
    expect([...first.activities.keys()].filter((id) => listed.has(id))).toEqual([]);
    expect((await connection(user))?.username).toBe(second.email);
    nothingLost(row, 1);
  });

  it('function clocks minutes apart', async () => {
    faults.skewClock('connect', -240);
    faults.skewClock('connectWorker', -240);
    faults.skewClock('syncWorker', 240);
    faults.skewClock('sync', 120);
    faults.skewClock('dispatch', -120);
    const holds = await garminAccount(h);
    const user = h.newUser();
    await h.sim.resetCounters();
    expect((await h.api('POST /garmin/connection', { userId: user, body: { username: holds.email, password: PASSWORD } })).status).toBe(201);
    await h.runtime.drainQueue();
    await upload(h, holds);
    // Due by every function's clock.
    await advance(h, 25 * 60);
    const before = await connection(user);
    // Dispatch claims it and queues its job (its claim, the lease by dispatch's clock); the worker runs it by its own.
    expect((await h.runtime.dispatch({ spreadSeconds: 0 })).claimed).toBeGreaterThanOrEqual(1);
    // The claim leaves the due time; the sync's end (by the worker's clock) moves it.
    expect((await connection(user))?.nextSyncTime).toBe(before?.nextSyncTime);
    await h.runtime.drainQueue();
    const after = await connection(user);
    expect(after?.lastSyncTime).not.toBe(before?.lastSyncTime);
    expect(after?.nextSyncTime).not.toBe(before?.nextSyncTime);
    expect((await h.api('POST /garmin/sync', { userId: user, body: { force: true } })).status).toBe(200);
    const row = await figuresOf('clocks: connect -4 min, sync worker +4 min, sync +2 min, dispatch -2 min', user, holds, {
      userLogins: 1,
      outcome: 'connected, dispatched and synced as with one clock',
    });
    nothingLost(row, 1);
  });

  it('prints the table, and docs/reliability.md holds the same', () => {
    const table = faultTable(figures);
    console.log(`\nFault tests\n\n${table}\n`);
    expect(figures).toHaveLength(13);
    const doc = readFileSync(join(REPO_ROOT, 'docs/reliability.md'), 'utf8');
    const section = /<!-- fault-table:start -->\n([\s\S]*?)\n<!-- fault-table:end -->/.exec(doc)?.[1];
    expect(section).toBe(table);
  });
});
