/**
 * Issue 10, finding 1: Garmin's limits survive disconnect, reconnect and new app accounts,
 * and the service's own partitions cannot be addressed by a token subject.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/dynamo/client';
import { LIMITS } from '../../../functions/core/shared/limits';
import { scanUserItems } from '../../support/scan';
import { ATHLETE, harnessForFile, PASSWORD } from './harness';

const h = harnessForFile();
beforeEach(async () => h.sim.resetCounters());

/** A Garmin username of its own per test: the per-account limit is shared by every app user. */
const victim = () => `victim-${randomUUID()}@example.com`;

const guess = (userId: string, username: string) =>
  h.api('POST /garmin/connection', { userId, body: { username, password: `guess-${randomUUID()}` } });

describe('limits nobody can reset', () => {
  it('keeps the auth limit through DELETE /garmin/connection, which answers 404 with nothing connected', async () => {
    const user = h.newUser();
    for (let i = 0; i < LIMITS.authCallsPerHour; i++) expect((await guess(user, victim())).status).toBe(422);
    expect((await guess(user, victim())).status).toBe(429);

    const deleted = await h.api('DELETE /garmin/connection', { userId: user });
    expect(deleted.status).toBe(404);
    expect(deleted.body.error?.code).toBe('NOT_CONNECTED');

    const again = await h.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: PASSWORD } });
    expect(again.status).toBe(429);
    expect(again.body.error?.code).toBe('RATE_LIMITED');
    expect(await h.sim.count('sso-login')).toBe(LIMITS.authCallsPerHour);
  });

  it('keeps the auth and fetch limits through a disconnect of a connected account', async () => {
    const user = h.newUser();
    expect((await h.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: PASSWORD } })).status).toBe(201);
    expect((await h.api('DELETE /garmin/connection', { userId: user })).status).toBe(204);
    expect((await h.api('DELETE /garmin/connection', { userId: user })).status).toBe(404);
    const logs = (await scanUserItems(createDocumentClient(), h.runtime.tables, user)).map(({ item }) => item).filter((item) => String(item.user_id).startsWith('__rate__#') && String(item.sk).startsWith('RATE#'));
    expect(logs).toEqual([expect.objectContaining({ user_id: `__rate__#user#${user}`, sk: 'RATE#auth', expires_at: expect.any(Number) })]);
  });

  it('gives new app accounts no more password guesses at one Garmin account, whatever its case', async () => {
    const target = victim();
    const spellings = [target, target.toUpperCase(), target.replace('victim', 'Victim')];
    const answers = [];
    for (let i = 0; i <= LIMITS.garminAccountLoginsPerHour; i++) answers.push(await guess(h.newUser(), spellings[i % spellings.length] ?? target));
    expect(answers.slice(0, LIMITS.garminAccountLoginsPerHour).map((a) => a.status)).toEqual(Array(LIMITS.garminAccountLoginsPerHour).fill(422));
    expect(answers.at(-1)?.status).toBe(429);
    expect(Number(answers.at(-1)?.headers['retry-after'])).toBeGreaterThan(0);
    expect(await h.sim.count('sso-login')).toBe(LIMITS.garminAccountLoginsPerHour);
    // The log is keyed by a hash: the username is stored nowhere.
    expect(await scanUserItems(createDocumentClient(), h.runtime.tables, target.split('@')[0] ?? target)).toEqual([]);
  });

  it(`lets at most ${LIMITS.serviceLoginsPerHour} password logins an hour reach Garmin from the whole service`, async () => {
    // Past the window of the logins the tests above made.
    h.clock.advance(LIMITS.rateWindowSeconds);
    const answers = [];
    // Distinct app users and Garmin accounts, so only the service-wide limit can refuse.
    for (let batch = 0; batch < LIMITS.serviceLoginsPerHour + 2; batch += 6) {
      answers.push(...(await Promise.all(Array.from({ length: 6 }, () => guess(h.newUser(), victim())))));
    }
    const refused = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 422)).toHaveLength(LIMITS.serviceLoginsPerHour);
    expect(refused).toHaveLength(answers.length - LIMITS.serviceLoginsPerHour);
    expect(refused[0]?.body.error?.code).toBe('RATE_LIMITED');
    expect(await h.sim.count('sso-login')).toBe(LIMITS.serviceLoginsPerHour);
  });

  it.each(['__system__', '__rate__#user#someone', '__anything'])('refuses the reserved token subject %s', async (subject) => {
    const answer = await h.api('GET /garmin/connection', { userId: subject });
    expect(answer.status).toBe(401);
    expect(answer.body.error?.code).toBe('UNAUTHORIZED');
  });
});
