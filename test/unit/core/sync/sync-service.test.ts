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
