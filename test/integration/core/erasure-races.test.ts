/**
 * Issue 10, findings 3 and 4: an erased account never comes back, and a connection's
 * generation fences every write, so switching Garmin accounts mid-sync mixes nothing and a
 * lease is never taken from its holder.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/dynamo/client';
import { LIMITS } from '../../../functions/core/shared/limits';
import { personalItemsLeft } from '../../support/scan';
import { ATHLETE, harnessForFile, MFA_USER, PASSWORD } from './harness';

const h = harnessForFile();
beforeEach(async () => {
  await h.sim.reset();
  // Past the previous test's logins of the same Garmin accounts.
  h.clock.advance(LIMITS.rateWindowSeconds);
});

/** Polls a condition with a deadline (state, not time, is what the test waits for). */
const eventually = async (what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** What is left of a user anywhere but the Garmin call limits (which outlive a disconnect on purpose). */
const leftOf = (user: string) => personalItemsLeft(createDocumentClient(), h.runtime.tables, user);

describe('an erased account never comes back', () => {
  it('stops the MFA wait of an attempt erased by a disconnect, at once', async () => {
    const user = h.newUser();
    const started = await h.api('POST /garmin/connection', { userId: user, body: { username: MFA_USER, password: PASSWORD } });
    expect(started.body.status).toBe('mfa_required');
    const path = { attemptId: String(started.body.attemptId) };

    // Nothing is connected yet, but a running attempt holds the user's credentials: it is ended.
    expect((await h.api('DELETE /garmin/connection', { userId: user })).status).toBe(204);
    const waited = Date.now();
    await h.runtime.settleConnectWorkers();
    expect(Date.now() - waited).toBeLessThan(10_000);

    expect((await h.api('POST /garmin/connection/attempts/{attemptId}/mfa', { userId: user, path, body: { code: '123456' } })).status).toBe(404);
    expect((await h.api('GET /garmin/connection', { userId: user })).status).toBe(404);
    expect(await h.sim.count('sso-mfa-verify')).toBe(0);
    expect(await leftOf(user)).toEqual([]);
  });

  it('does not re-create a connection whose login finishes after the disconnect', async () => {
    const user = h.newUser();
    // The login is past Garmin's token exchange and waits for the profile when the user disconnects.
    await h.sim.fault({ endpoint: 'social-profile', latencyMs: 3000, count: 1 });
    const connecting = h.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: PASSWORD } });
    await eventually('the token exchange', async () => (await h.sim.count('social-profile')) >= 1);
    expect((await h.api('DELETE /garmin/connection', { userId: user })).status).toBe(204);

    const answer = await connecting;
    expect(answer.status).toBe(404);
    await h.runtime.settleConnectWorkers();
    await h.runtime.drainQueue();
    expect((await h.api('GET /garmin/connection', { userId: user })).status).toBe(404);
    expect(await leftOf(user)).toEqual([]);
  });
});

describe('a connection generation fences every write', () => {
  it('keeps a sync of the old Garmin account from landing on the new one, and never takes its lease', async () => {
    const user = h.newUser();
    expect((await h.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: PASSWORD } })).status).toBe(201);
    await h.runtime.drainQueue();
    const athleteIds = new Set(
      ((await h.api('GET /garmin/activities', { userId: user, query: { limit: '100' } })).body.items as Array<{ activityId: string }>).map(
        (a) => a.activityId,
      ),
    );
    expect(athleteIds.size).toBeGreaterThan(0);

    // A forced sync of the athlete, held at Garmin's activity search...
    await h.sim.resetCounters();
    await h.sim.fault({ account: ATHLETE, endpoint: 'activities', latencyMs: 4000, count: 1 });
    const oldSync = h.api('POST /garmin/sync', { userId: user, body: { force: true } });
    await eventually('the old sync at Garmin', async () => (await h.sim.count('activities')) >= 1);

    // ...while the user switches to another Garmin account.
    const started = await h.api('POST /garmin/connection', { userId: user, body: { username: MFA_USER, password: PASSWORD } });
    const path = { attemptId: String(started.body.attemptId) };
    const switched = await h.api('POST /garmin/connection/attempts/{attemptId}/mfa', { userId: user, path, body: { code: '123456' } });
    expect(switched.status).toBe(201);
    const mfaDisplayName = (switched.body.connection as { displayName: string }).displayName;
    // The new account's backfill waits: the old sync still holds the lease.
    expect((await h.runtime.services.sync.run({ userId: user, reason: 'backfill' })).status).toBe('in_progress');

    await oldSync;
    const connection = (await h.api('GET /garmin/connection', { userId: user })).body.connection as Record<string, unknown>;
    expect(connection).toMatchObject({ username: MFA_USER, displayName: mfaDisplayName, lastSyncTime: null });
    const listed = (await h.api('GET /garmin/activities', { userId: user, query: { limit: '100' } })).body.items as Array<{ activityId: string }>;
    expect(listed.filter((a) => athleteIds.has(a.activityId))).toEqual([]);
    // The lease went with the old sync: the new account syncs, with its own tokens.
    const run = await h.runtime.services.sync.run({ userId: user, reason: 'backfill' });
    expect(run.status).toBe('synced');
    expect(run.connection?.displayName).toBe(mfaDisplayName);
  });
});
