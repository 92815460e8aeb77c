import { beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../functions/core/shared/limits';
import { ATHLETE, harnessForFile, PASSWORD } from './harness';

const h = harnessForFile();
beforeEach(async () => {
  await h.sim.reset();
  // Each test starts past the window of the previous one's logins: they share the Garmin account's limit.
  h.clock.advance(LIMITS.rateWindowSeconds);
});

const connectBody = { username: ATHLETE, password: PASSWORD };

describe("Garmin's per-user limits", () => {
  it('answers the 6th authentication in an hour with 429 and Retry-After', async () => {
    const user = h.newUser();
    for (let i = 0; i < LIMITS.authCallsPerHour; i++) {
      expect((await h.api('POST /garmin/connection', { userId: user, body: connectBody })).status).toBe(201);
    }
    const sixth = await h.api('POST /garmin/connection', { userId: user, body: connectBody });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error?.code).toBe('RATE_LIMITED');
    const retryAfter = Number(sixth.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(await h.sim.count('sso-login')).toBe(LIMITS.authCallsPerHour);
  });

  it('lets exactly 5 of 20 concurrent connect requests of one user reach Garmin', async () => {
    const user = h.newUser();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => h.api('POST /garmin/connection', { userId: user, body: connectBody })),
    );
    await h.runtime.settleConnectWorkers();
    expect(answers.filter((a) => a.status === 429)).toHaveLength(15);
    const admitted = answers.filter((a) => a.status !== 429);
    expect(admitted).toHaveLength(5);
    // The admitted logins race to store the user's one connection: each stores it, or is told
    // that a concurrent connect changed it meanwhile (the connection generation fences them).
    for (const answer of admitted) expect([201, 202, 409]).toContain(answer.status);
    expect((await h.api('GET /garmin/connection', { userId: user })).status).toBe(200);
    expect(await h.sim.count('sso-login')).toBe(LIMITS.authCallsPerHour);
  });

  it('answers the 16th sync that would call Garmin in an hour with 429, and defers a scheduled one', async () => {
    const user = h.newUser();
    expect((await h.api('POST /garmin/connection', { userId: user, body: connectBody })).status).toBe(201);
    // Run syncs directly (the queued backfill stays queued) until the fetch limit bites.
    const statuses: string[] = [];
    for (let i = 0; i <= LIMITS.fetchesPerHour; i++) {
      statuses.push((await h.runtime.services.sync.run({ userId: user, reason: 'backfill' })).status);
    }
    expect(statuses.slice(0, LIMITS.fetchesPerHour)).toEqual(Array(LIMITS.fetchesPerHour).fill('synced'));
    // Over the limit a scheduled or backfill sync is deferred, not failed.
    expect(statuses[LIMITS.fetchesPerHour]).toBe('deferred');
    const deferred = await h.runtime.services.deps.connections.get(user);
    expect(deferred?.status).toBe('active');
    expect(Date.parse(deferred?.nextSyncTime ?? '')).toBeGreaterThan(h.clock.now().getTime());

    await h.sim.resetCounters();
    // Past the manual-sync freshness window, so this one would call Garmin.
    h.clock.advance(LIMITS.manualSyncFreshnessSeconds + 1);
    const manual = await h.api('POST /garmin/sync', { userId: user });
    expect(manual.status).toBe(429);
    expect(manual.body.error?.code).toBe('RATE_LIMITED');
    const retryAfter = Number(manual.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect((await h.sim.counters()).total).toBe(0);
  });

  it('answers a manual sync right after a sync from storage, without calling Garmin', async () => {
    const user = h.newUser();
    await h.api('POST /garmin/connection', { userId: user, body: connectBody });
    await h.runtime.drainQueue();
    await h.sim.resetCounters();
    const manual = await h.api('POST /garmin/sync', { userId: user });
    expect(manual.status).toBe(200);
    expect(manual.body.status).toBe('fresh');
    expect((await h.sim.counters()).total).toBe(0);
  });
});
