/**
 * Issue 10, finding 6: the per-user API throttle. One user over the limit gets 429
 * TOO_MANY_REQUESTS with Retry-After while another user at the same moment is served, a
 * refused request does nothing (no Garmin request, no state), and the next window serves again.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/dynamo/client';
import { LIMITS } from '../../../functions/core/shared/limits';
import { scanUserItems } from '../../support/scan';
import { ATHLETE, harnessForFile, PASSWORD } from './harness';

const h = harnessForFile();
beforeEach(async () => {
  await h.sim.resetCounters();
  // One second into a fresh window of the test's clock: the requests below all fall into it
  // whatever the time of day (they take a few seconds, the window is a minute).
  const windowMs = LIMITS.apiThrottleWindowSeconds * 1000;
  h.clock.advance((windowMs - (h.clock.now().getTime() % windowMs)) / 1000 + 1);
});

const { read: READS, change: CHANGES } = LIMITS.apiRequestsPerWindow;

describe('per-user API throttle', () => {
  it('refuses one user past the read limit while another user is served', async () => {
    const [a, b] = [h.newUser(), h.newUser()];
    for (let i = 0; i < READS; i++) {
      const answer = await h.api('GET /garmin/connection', { userId: a });
      expect(answer.body.error?.code).toBe('NOT_CONNECTED');
    }
    const refused = await h.api('GET /garmin/connection', { userId: a });
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('TOO_MANY_REQUESTS');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(LIMITS.apiThrottleWindowSeconds);

    // The same moment, another user: served.
    expect((await h.api('GET /garmin/connection', { userId: b })).body.error?.code).toBe('NOT_CONNECTED');
    // Changes are counted apart from reads: A may still disconnect (nothing to disconnect here).
    expect((await h.api('DELETE /garmin/connection', { userId: a })).body.error?.code).toBe('NOT_CONNECTED');

    h.clock.advance(retryAfter);
    expect((await h.api('GET /garmin/connection', { userId: a })).body.error?.code).toBe('NOT_CONNECTED');
  });

  it('refuses a change past the limit before it does anything', async () => {
    const [a, b] = [h.newUser(), h.newUser()];
    for (let i = 0; i < CHANGES; i++) expect((await h.api('DELETE /garmin/connection', { userId: a })).status).toBe(404);

    const refused = await h.api('POST /garmin/connection', { userId: a, body: { username: ATHLETE, password: PASSWORD } });
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Nothing happened: no Garmin request, no attempt, no connection, no Garmin call limit used;
    // all that exists of A is the throttle's counters.
    expect(await h.sim.count('sso-login')).toBe(0);
    expect((await h.api('GET /garmin/connection', { userId: a })).body.error?.code).toBe('NOT_CONNECTED');
    const items = (await scanUserItems(createDocumentClient(), h.runtime.tables, a)).map(({ item }) => item);
    expect(items.map((item) => `${String(item.user_id)} ${String(item.sk)}`).sort()).toEqual(
      [`__rate__#user#${a} REQ#change#`, `__rate__#user#${a} REQ#read#`].map((prefix) => expect.stringContaining(prefix)),
    );
    expect(items.find((item) => String(item.sk).startsWith('REQ#change#'))).toMatchObject({ requests: CHANGES, expires_at: expect.any(Number) });

    // B connects at the same moment.
    expect((await h.api('POST /garmin/connection', { userId: b, body: { username: ATHLETE, password: PASSWORD } })).status).toBe(201);
  });

  it('counts concurrent requests exactly', async () => {
    const a = h.newUser();
    const answers = await Promise.all(Array.from({ length: CHANGES + 10 }, () => h.api('DELETE /garmin/connection', { userId: a })));
    expect(answers.filter((answer) => answer.status === 404)).toHaveLength(CHANGES);
    expect(answers.filter((answer) => answer.body.error?.code === 'TOO_MANY_REQUESTS')).toHaveLength(10);
  });
});
