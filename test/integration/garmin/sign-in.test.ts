/**
 * Sign-ins and tokens as Garmin really issues them: a sign-in that ends without DI tokens,
 * a stored blob that cannot be restored, 4-hour access and 30-day refresh tokens, and a
 * block of every SSO login from this network.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../functions/core/shared/limits';
import { LOGIN_BLOCKED_MESSAGE } from '../../../functions/core/connect/login-gate';
import { harnessForFile, PASSWORD } from '../core/harness';
import { advance, connectAndBackfill, newAccount, scheduledSync } from './garmin-world';

const h = harnessForFile();
beforeEach(async () => {
  await h.sim.reset();
  await h.sim.setClock(h.clock.now().toISOString());
});

const HOUR = 3600;
const DAY = 24 * HOUR;

/** Replaces the stored token blob, as a blob saved by an older version could be. */
const storeBlob = async (user: string, blob: string) => {
  const { connections, vault } = h.runtime.services.deps;
  const connection = await connections.get(user);
  if (!connection) throw new Error('not connected');
  await connections.update(user, connection.version, { tokens: await vault.encrypt(user, 'tokens', blob) });
};

const ssoRequests = () => h.sim.ssoRequests();

const NO_DI_TOKENS = JSON.stringify({ di_token: null, di_refresh_token: null, di_client_id: null });

describe('sign-ins and tokens as Garmin issues them', () => {
  it('refuses a sign-in that ended without DI tokens and stores nothing', async () => {
    const email = await newAccount(h);
    await h.sim.failDiExchange(email);
    const user = h.newUser();
    const answer = await h.api('POST /garmin/connection', { userId: user, body: { username: email, password: PASSWORD } });
    expect(answer.status).toBe(502);
    expect(answer.body.error?.code).toBe('GARMIN_LOGIN_INCOMPLETE');
    expect((await h.api('GET /garmin/connection', { userId: user })).status).toBe(404);
  });

  it('treats a stored blob that cannot be restored as rejected tokens: one re-login with the kept password', async () => {
    const email = await newAccount(h);
    const user = await connectAndBackfill(h, email);
    await storeBlob(user, NO_DI_TOKENS);
    await h.sim.resetCounters();
    await advance(h, LIMITS.syncIntervalSeconds);

    const relogged = await scheduledSync(h, user);
    expect(relogged?.status).toBe('active');
    expect(await h.sim.count('sso-login')).toBe(1);
    const next = await scheduledSync(h, user);
    expect(next?.status).toBe('active');
    expect(next?.lastError).toBeUndefined();
    expect(await h.sim.count('sso-login')).toBe(1);
  });

  it('asks the user to sign in again when such a blob has no password to fall back on', async () => {
    const email = await newAccount(h);
    const user = h.newUser();
    const answer = await h.api('POST /garmin/connection', {
      userId: user,
      body: { username: email, password: PASSWORD, rememberPassword: false },
    });
    expect(answer.status).toBe(201);
    await h.runtime.drainQueue();
    await storeBlob(user, NO_DI_TOKENS);
    await advance(h, LIMITS.syncIntervalSeconds);

    const connection = await scheduledSync(h, user);
    expect(connection?.status).toBe('needs_reauth');
    expect(connection?.lastError?.code).toBe('TOKEN_REJECTED');
    expect(connection?.nextSyncTime).toBeUndefined();
  });

  it('never logs in during two days of syncs with 4-hour access and 30-day refresh tokens', async () => {
    const email = await newAccount(h);
    await h.sim.tokenLifetimes(email, { accessTtlSeconds: 4 * HOUR, refreshTtlSeconds: 30 * DAY });
    const user = await connectAndBackfill(h, email);
    await h.sim.resetCounters();
    for (let hour = 0; hour < 48; hour++) {
      await advance(h, HOUR);
      expect((await scheduledSync(h, user))?.status).toBe('active');
    }
    expect(await h.sim.count('sso-login')).toBe(0);
    expect(await h.sim.count('token-refresh')).toBeGreaterThanOrEqual(10);
  });

  it('keeps the refresh token of a connection that backs off for five weeks alive', async () => {
    const email = await newAccount(h);
    await h.sim.tokenLifetimes(email, { accessTtlSeconds: 4 * HOUR, refreshTtlSeconds: 30 * DAY });
    const user = await connectAndBackfill(h, email);
    await h.sim.fault({ account: email, endpoint: 'daily-summary', status: 503 });
    await h.sim.resetCounters();
    for (let day = 0; day < 35; day++) {
      await advance(h, DAY);
      const due = (await h.runtime.services.deps.connections.get(user))?.nextSyncTime ?? '';
      if (due <= h.clock.now().toISOString()) await scheduledSync(h, user);
    }
    const failing = await h.runtime.services.deps.connections.get(user);
    expect(failing?.status).toBe('backing_off');
    await h.sim.clearFaults();
    await advance(h, DAY);
    const recovered = await scheduledSync(h, user);
    expect(recovered?.status).toBe('active');
    expect(await ssoRequests()).toBe(0);
  });
});

describe('Garmin blocking every SSO login from this network', () => {
  it('says so with a code of its own, stops trying, and still lets users import tokens', async () => {
    const email = await newAccount(h);
    const other = await newAccount(h);
    const kept = await connectAndBackfill(h, other);
    const imported = await h.api('POST /garmin/connection', { userId: h.newUser(), body: { username: email, password: PASSWORD } });
    const blob = (await h.runtime.services.deps.vault.decrypt(
      kept,
      'tokens',
      (await h.runtime.services.deps.connections.get(kept))?.tokens ?? '',
    )) as string;
    expect(imported.status).toBe(201);
    await h.sim.blockSso({ status: 429 });
    await h.sim.resetCounters();

    const first = await h.api('POST /garmin/connection', { userId: h.newUser(), body: { username: email, password: PASSWORD } });
    expect(first.status).toBe(503);
    expect(first.body.error?.code).toBe('GARMIN_LOGIN_BLOCKED');
    expect(first.body.error?.message).toBe(LOGIN_BLOCKED_MESSAGE);
    expect(Number(first.headers['Retry-After'] ?? first.headers['retry-after'])).toBeGreaterThanOrEqual(LIMITS.loginBlockSeconds - 5);
    const loginsIntoTheBlock = await ssoRequests();
    expect(loginsIntoTheBlock).toBeGreaterThan(0);

    // Nobody else's login goes to Garmin while the block lasts.
    const second = await h.api('POST /garmin/connection', { userId: h.newUser(), body: { username: email, password: PASSWORD } });
    expect(second.status).toBe(503);
    expect(second.body.error?.code).toBe('GARMIN_LOGIN_BLOCKED');
    expect(await ssoRequests()).toBe(loginsIntoTheBlock);

    // A sync that would need a re-login says so instead of trying.
    await storeBlob(kept, NO_DI_TOKENS);
    await advance(h, LIMITS.syncIntervalSeconds);
    const blocked = await scheduledSync(h, kept);
    expect(blocked?.status).toBe('backing_off');
    expect(blocked?.lastError?.code).toBe('LOGIN_BLOCKED');
    expect(await ssoRequests()).toBe(loginsIntoTheBlock);

    // The way out: a token blob from a sign-in elsewhere.
    const viaTokens = await h.api('POST /garmin/connection', { userId: h.newUser(), body: { tokens: blob } });
    expect(viaTokens.status).toBe(201);
  });
});
