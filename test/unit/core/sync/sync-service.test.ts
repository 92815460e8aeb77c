import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../../functions/core/shared/limits';
import type { ConnectionRecord } from '../../../../functions/core/shared/ports';
import { SyncService, keepTokensAlive } from '../../../../functions/core/sync/sync-service';
import { EMPTY_FETCH, failed, succeeded } from '../../../support/fakes/bridge';
import { fakeDeps } from '../../../support/fakes/deps';

const NOW = new Date('2026-11-30T12:00:00Z');
const DAY_MS = 86_400_000;

const connection = (tokensRefreshedAt: string | undefined): ConnectionRecord => ({
  userId: 'u1',
  username: 'athlete@example.com',
  tokens: 'ciphertext',
  isActive: true,
  status: 'backing_off',
  consecutiveFailures: 3,
  cursors: tokensRefreshedAt ? { tokensRefreshedAt } : {},
  createdAt: new Date(NOW.getTime() - 60 * DAY_MS).toISOString(),
  version: 1,
});

describe('keepTokensAlive', () => {
  const refreshed = new Date(NOW.getTime() - 2 * DAY_MS).toISOString();
  const deadline = new Date(Date.parse(refreshed) + LIMITS.tokenKeepAliveSeconds * 1000).toISOString();

  it('brings a sync scheduled past the keep-alive deadline forward to it', () => {
    const farAway = new Date(NOW.getTime() + 40 * DAY_MS).toISOString();
    expect(keepTokensAlive(connection(refreshed), farAway, NOW)).toBe(deadline);
  });

  it('leaves a sync due before the deadline alone', () => {
    const soon = new Date(NOW.getTime() + 3600_000).toISOString();
    expect(keepTokensAlive(connection(refreshed), soon, NOW)).toBe(soon);
  });

  it('syncs at once when the deadline has passed, counting from the connection when no refresh is recorded', () => {
    const farAway = new Date(NOW.getTime() + 40 * DAY_MS).toISOString();
    expect(keepTokensAlive(connection(undefined), farAway, NOW)).toBe(NOW.toISOString());
  });
});

const SECOND = 1000;
const PROFILE = {
  basics: { displayName: 'athlete', fullName: null, profileId: 1, unitSystem: 'metric' },
  socialProfile: {},
  userSettings: {},
  timeZone: 'UTC',
};

/** A connected user with sealed tokens (and password, unless told otherwise) whose tokens were refreshed just now. */
const setup = async (options: { password?: boolean } = {}) => {
  const fakes = fakeDeps(NOW);
  const record: ConnectionRecord = {
    ...connection(NOW.toISOString()),
    status: 'active',
    consecutiveFailures: 0,
    tokens: await fakes.vault.encrypt('u1', 'tokens', 'old-tokens'),
    ...(options.password === false ? {} : { password: await fakes.vault.encrypt('u1', 'password', 'kept-password') }),
    generation: 1,
    version: 7,
  };
  await fakes.connections.put(record);
  return { ...fakes, service: new SyncService(fakes.deps), record };
};

const stored = async (fakes: Awaited<ReturnType<typeof setup>>) => {
  const record = await fakes.connections.get('u1');
  if (!record) throw new Error('connection is gone');
  return record;
};

describe('SyncService: Garmin answers 429', () => {
  it.each([
    ['without Retry-After', undefined, LIMITS.rateLimitedBackoffSeconds],
    ['with a shorter Retry-After', 60, LIMITS.rateLimitedBackoffSeconds],
    ['with a longer Retry-After', 2 * LIMITS.rateLimitedBackoffSeconds, 2 * LIMITS.rateLimitedBackoffSeconds],
  ])('%s: backs off at least to the floor and stays active', async (_, retryAfterSeconds, floorSeconds) => {
    const fakes = await setup();
    fakes.bridge.answer('fetch', failed({ code: 'RATE_LIMITED', message: '429', ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) }));

    const run = await fakes.service.run({ userId: 'u1', reason: 'scheduled' });

    const after = await stored(fakes);
    expect(run.status).toBe('failed');
    expect(after).toMatchObject({ status: 'backing_off', isActive: true, consecutiveFailures: 1, lastError: { code: 'RATE_LIMITED' } });
    expect(Date.parse(after.nextSyncTime ?? '')).toBeGreaterThanOrEqual(NOW.getTime() + floorSeconds * SECOND);
    // A 429 is no reason to log in again.
    expect(fakes.bridge.ops()).toEqual(['fetch']);
  });
});

describe('SyncService: tokens Garmin rotated', () => {
  it('are saved before anything else, so a storage failure afterwards loses none', async () => {
    const fakes = await setup();
    fakes.bridge.answer('fetch', succeeded({ ...EMPTY_FETCH, profile: PROFILE }, 'rotated-tokens'));
    fakes.data.failWrites = new Error('storage is down');

    await expect(fakes.service.run({ userId: 'u1', reason: 'scheduled' })).rejects.toThrow('storage is down');

    const after = await stored(fakes);
    expect(await fakes.vault.decrypt('u1', 'tokens', after.tokens)).toBe('rotated-tokens');
    expect(after.cursors.tokensRefreshedAt).toBe(NOW.toISOString());
    // The tokens were the first (and only) change: no sync state was saved past the failure.
    expect(fakes.connections.updates.map((u) => Object.keys(u.changes).sort())).toEqual([['cursors', 'tokens']]);
  });
});

describe('SyncService: Garmin refuses the tokens', () => {
  it('logs in again with the kept password and stores the new tokens', async () => {
    const fakes = await setup();
    fakes.bridge.answer('fetch', failed({ code: 'TOKEN_REJECTED', message: '401' }));
    fakes.bridge.answer('login', succeeded({ profile: PROFILE.basics }, 'fresh-tokens'));

    await fakes.service.run({ userId: 'u1', reason: 'scheduled' });

    expect(fakes.bridge.requests[1]).toMatchObject({ op: 'login', username: 'athlete@example.com', password: 'kept-password' });
    const after = await stored(fakes);
    expect(await fakes.vault.decrypt('u1', 'tokens', after.tokens)).toBe('fresh-tokens');
    // Active again, and synced at once with the new tokens.
    expect(after).toMatchObject({ status: 'active', isActive: true, consecutiveFailures: 0, nextSyncTime: NOW.toISOString() });
  });

  it('asks the user to sign in again when no password was kept', async () => {
    const fakes = await setup({ password: false });
    fakes.bridge.answer('fetch', failed({ code: 'TOKEN_REJECTED', message: '401' }));

    await fakes.service.run({ userId: 'u1', reason: 'scheduled' });

    const after = await stored(fakes);
    expect(after).toMatchObject({ status: 'needs_reauth', isActive: false, lastError: { code: 'TOKEN_REJECTED' } });
    expect(after.nextSyncTime).toBeUndefined();
    expect(fakes.bridge.ops()).toEqual(['fetch']);
  });
});

describe('SyncService: the connection changes during the sync', () => {
  const replaced = (record: ConnectionRecord): ConnectionRecord => ({
    ...record,
    username: 'other@example.com',
    tokens: 'sealed:u1:tokens:other-account',
    cursors: {},
    generation: 2,
    version: 1,
  });

  it.each([
    ['another Garmin account connected', (record: ConnectionRecord) => replaced(record)],
    ['disconnected', () => undefined],
  ])('%s: nothing of the sync lands on what is there now', async (_, change) => {
    const fakes = await setup();
    fakes.bridge.answer('fetch', succeeded({ ...EMPTY_FETCH, profile: PROFILE }));
    // The switch happens between the fetch and the sync's save of the connection.
    fakes.connections.races.push(change);

    const run = await fakes.service.run({ userId: 'u1', reason: 'scheduled' });

    expect(run.status).toBe('not_connected');
    expect(await fakes.connections.get('u1')).toEqual(change(fakes.record));
    expect(await fakes.data.getProfile('u1')).toBeUndefined();
  });

  it('rotated tokens of the old connection are not given to the new one', async () => {
    const fakes = await setup();
    fakes.bridge.answer('fetch', succeeded({ ...EMPTY_FETCH, profile: PROFILE }, 'rotated-tokens'));
    fakes.connections.races.push(replaced);

    const run = await fakes.service.run({ userId: 'u1', reason: 'scheduled' });

    expect(run.status).toBe('not_connected');
    expect(await fakes.connections.get('u1')).toEqual(replaced(fakes.record));
    // Ended before storing anything.
    expect(await fakes.data.getProfile('u1')).toBeUndefined();
  });
});

describe('SyncService: the schedule item holds the lease and what every sync moves', () => {
  const UPLOAD_MS = NOW.getTime() - 3 * 3600 * SECOND;
  const caughtUp = async () => {
    const fakes = await setup();
    // Tokens the library refreshes only in 20 hours: no run here can rotate them.
    const tokensRefreshAt = new Date(NOW.getTime() + 20 * 3600 * SECOND).toISOString();
    await fakes.connections.update('u1', 7, { timeZone: 'UTC', cursors: { ...fakes.record.cursors, deviceUploadAt: new Date(UPLOAD_MS).toISOString(), tokensRefreshAt } });
    fakes.schedules.due('u1', new Date(NOW.getTime() - 60 * SECOND).toISOString());
    fakes.connections.updates.length = 0;
    fakes.schedules.writes.length = 0;
    return fakes;
  };
  const claim = async (fakes: Awaited<ReturnType<typeof setup>>, owner: string) => {
    const due = (await fakes.schedules.get('u1'))?.nextSyncTime ?? '';
    const until = new Date(fakes.clock.now().getTime() + LIMITS.syncIntervalSeconds * SECOND).toISOString();
    expect(await fakes.schedules.claim({ userId: 'u1', nextSyncTime: due }, owner, until, fakes.clock.now())).toBe(true);
    return { userId: 'u1', reason: 'scheduled' as const, dueAt: until, claim: owner };
  };
  const probeStopped = succeeded({ ...EMPTY_FETCH, probe: { lastUploadMs: UPLOAD_MS, stopped: true } });

  it('a scheduled sync the probe stops writes the schedule twice (claim, end) and the connection item never', async () => {
    const fakes = await caughtUp();
    fakes.bridge.answer('fetch', probeStopped);
    const run = await fakes.service.run(await claim(fakes, 'claim-1'));

    expect(run.status).toBe('synced');
    expect(fakes.connections.updates).toEqual([]);
    expect(fakes.schedules.writes.map((w) => w.op)).toEqual(['claim', 'end']);
    const schedule = await fakes.schedules.get('u1');
    expect(schedule).toMatchObject({ lastSyncTime: NOW.toISOString(), probedAt: NOW.toISOString(), fetches: [NOW.getTime()] });
    expect(schedule?.lease).toBeUndefined();
    expect(schedule?.nextSyncTime && schedule.nextSyncTime > NOW.toISOString()).toBe(true);
    // Read back as one connection, as the API shows it.
    expect(await stored(fakes)).toMatchObject({ lastSyncTime: NOW.toISOString(), nextSyncTime: schedule?.nextSyncTime, cursors: { probedAt: NOW.toISOString() } });
  });

  it('skips a duplicate delivery and a stale one: their claim is no longer the lease', async () => {
    const fakes = await caughtUp();
    fakes.bridge.answer('fetch', probeStopped);
    const job = await claim(fakes, 'claim-1');
    expect((await fakes.service.run(job)).status).toBe('synced');
    expect((await fakes.service.run(job)).status).toBe('skipped');
    // Queued by a version whose claim was not a lease.
    expect((await fakes.service.run({ userId: 'u1', reason: 'scheduled', dueAt: job.dueAt })).status).toBe('skipped');
    expect(fakes.bridge.ops()).toEqual(['fetch']);
  });

  it('runs a job delivered twice at once only once when the run may refresh the tokens', async () => {
    const fakes = await caughtUp();
    const current = await stored(fakes);
    const soon = new Date(NOW.getTime() + 3 * 60 * SECOND).toISOString();
    await fakes.connections.update('u1', current.version, { cursors: { ...current.cursors, tokensRefreshAt: soon } });
    fakes.bridge.answer('fetch', probeStopped);
    const job = await claim(fakes, 'claim-1');
    const runs = await Promise.all([fakes.service.run(job), fakes.service.run(job)]);
    expect(runs.map((r) => r.status).sort()).toEqual(['skipped', 'synced']);
    expect(fakes.bridge.ops()).toEqual(['fetch']);
    expect(fakes.schedules.writes.map((w) => w.op)).toEqual(['claim', 'start', 'end']);
  });

  it('runs alone too when the tokens’ refresh time is unknown', async () => {
    const fakes = await caughtUp();
    const current = await stored(fakes);
    await fakes.connections.update('u1', current.version, { cursors: { ...current.cursors, tokensRefreshAt: undefined } });
    fakes.bridge.answer('fetch', probeStopped);
    await fakes.service.run(await claim(fakes, 'claim-1'));
    expect(fakes.schedules.writes.map((w) => w.op)).toEqual(['claim', 'start', 'end']);
  });

  it('a job delivered twice at once that cannot refresh the tokens may run twice: one end, the tokens kept', async () => {
    const fakes = await caughtUp();
    fakes.bridge.answer('fetch', succeeded({ ...EMPTY_FETCH, profile: PROFILE }));
    fakes.bridge.answer('fetch', succeeded({ ...EMPTY_FETCH, profile: PROFILE }));
    const job = await claim(fakes, 'claim-1');
    const runs = await Promise.all([fakes.service.run(job), fakes.service.run(job)]);
    expect(runs.map((r) => r.status)).toEqual(['synced', 'synced']);
    expect(fakes.bridge.ops()).toEqual(['fetch', 'fetch']);
    // The first end released the lease: the second wrote nothing of the schedule.
    expect(fakes.schedules.writes.map((w) => w.op)).toEqual(['claim', 'end']);
    expect(await fakes.data.getProfile('u1')).toBeDefined();
    expect((await stored(fakes)).tokens).toBe(fakes.record.tokens);
    expect((await fakes.schedules.get('u1'))?.lease).toBeUndefined();
  });

  it('a worker that crashed mid-sync loses nothing: its lease runs out, the user is claimed again, its late end writes nothing', async () => {
    const fakes = await caughtUp();
    const crashed = await claim(fakes, 'claim-1');
    // The worker died before its end: the lease is still held, so nobody else syncs meanwhile.
    expect((await fakes.service.run({ userId: 'u1', reason: 'manual', force: true })).status).toBe('in_progress');
    fakes.clock.advance(LIMITS.syncIntervalSeconds + 1);
    const again = await claim(fakes, 'claim-2');
    fakes.bridge.answer('fetch', probeStopped);
    expect((await fakes.service.run(again)).status).toBe('synced');
    expect((await fakes.service.run(crashed)).status).toBe('skipped');
    expect(await fakes.schedules.end('u1', crashed.claim, { nextSyncTime: null })).toBe(false);
    expect((await stored(fakes)).nextSyncTime).toBeDefined();
    expect((await stored(fakes)).tokens).toBe(fakes.record.tokens);
  });

  it('a claimed job that failed keeps its claim as the lease for its redelivery, even once it ran out', async () => {
    const fakes = await caughtUp();
    const job = await claim(fakes, 'claim-1');
    fakes.bridge.answer('fetch', succeeded({ ...EMPTY_FETCH, profile: PROFILE }));
    fakes.data.failWrites = new Error('storage is down');
    await expect(fakes.service.run(job)).rejects.toThrow('storage is down');
    expect((await fakes.schedules.get('u1'))?.lease?.owner).toBe('claim-1');

    delete fakes.data.failWrites;
    fakes.clock.advance(LIMITS.syncIntervalSeconds + 1);
    fakes.bridge.answer('fetch', succeeded({ ...EMPTY_FETCH, profile: PROFILE }));
    expect((await fakes.service.run(job, { redelivery: true })).status).toBe('synced');
    // The first run needed no write of its own; the redelivery, its claim's lease run out, extends it.
    expect(fakes.schedules.writes.map((w) => w.op)).toEqual(['claim', 'start', 'end']);
    expect((await fakes.schedules.get('u1'))?.lease).toBeUndefined();
  });

  it('counts every fetch in the log it read under the lease: the 16th manual sync within the hour is refused with 429', async () => {
    const fakes = await caughtUp();
    for (let i = 0; i < LIMITS.fetchesPerHour; i++) {
      fakes.bridge.answer('fetch', succeeded(EMPTY_FETCH));
      expect((await fakes.service.run({ userId: 'u1', reason: 'manual', force: true })).status).toBe('synced');
      fakes.clock.advance(60);
    }
    await expect(fakes.service.run({ userId: 'u1', reason: 'manual', force: true })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(fakes.bridge.ops()).toHaveLength(LIMITS.fetchesPerHour);
    expect((await fakes.schedules.get('u1'))?.fetches).toHaveLength(LIMITS.fetchesPerHour);
    // The lease was given back with the refusal.
    expect((await fakes.schedules.get('u1'))?.lease).toBeUndefined();
  });

  it('a disconnect during a sync: the sync’s end releases its lease and reschedules nobody', async () => {
    const fakes = await caughtUp();
    const job = await claim(fakes, 'claim-1');
    fakes.bridge.answer('fetch', probeStopped, () => fakes.connections.delete('u1'));
    await fakes.service.run(job);
    const schedule = await fakes.schedules.get('u1');
    expect(schedule?.nextSyncTime).toBeUndefined();
    expect(schedule?.lease).toBeUndefined();
    expect(await fakes.connections.get('u1')).toBeUndefined();
  });

  it('unschedules a claimed user whose connection is gone', async () => {
    const fakes = await caughtUp();
    const job = await claim(fakes, 'claim-1');
    fakes.connections.records.delete('u1');
    expect((await fakes.service.run(job)).status).toBe('not_connected');
    expect(await fakes.schedules.get('u1')).toMatchObject({ userId: 'u1' });
    expect((await fakes.schedules.get('u1'))?.nextSyncTime).toBeUndefined();
    expect(fakes.bridge.ops()).toEqual([]);
  });
});
