/** Issue 10, finding 2: MFA codes are counted and capped per attempt, and the cap ends the attempt at once. */
import { beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../functions/core/shared/limits';
import { harnessForFile, MFA_USER, PASSWORD } from './harness';

const h = harnessForFile();
beforeEach(async () => {
  await h.sim.resetCounters();
  // Past the previous test's logins of the same Garmin account.
  h.clock.advance(LIMITS.rateWindowSeconds);
});

const startMfaAttempt = async (user: string) => {
  const started = await h.api('POST /garmin/connection', { userId: user, body: { username: MFA_USER, password: PASSWORD } });
  expect(started.body.status).toBe('mfa_required');
  return { attemptId: String(started.body.attemptId) };
};

const submit = (user: string, path: { attemptId: string }, code: string) =>
  h.api('POST /garmin/connection/attempts/{attemptId}/mfa', { userId: user, path, body: { code } });

describe('MFA codes per attempt', () => {
  it(`ends the attempt when the ${LIMITS.mfaSubmissionsPerAttempt}th code is wrong, and refuses every later one without asking Garmin`, async () => {
    const user = h.newUser();
    const path = await startMfaAttempt(user);
    const answers = [];
    for (let i = 0; i < LIMITS.mfaSubmissionsPerAttempt; i++) answers.push(await submit(user, path, String(100000 + i)));
    expect(answers.slice(0, -1).map((a) => a.body.error?.code)).toEqual(Array(LIMITS.mfaSubmissionsPerAttempt - 1).fill('GARMIN_MFA_INVALID'));
    expect(answers.at(-1)?.status).toBe(429);
    expect(answers.at(-1)?.body.error?.code).toBe('MFA_ATTEMPTS_EXCEEDED');

    // The attempt says so at once, and the bridge stopped waiting for codes (no 300 s wait).
    const polled = await h.api('GET /garmin/connection/attempts/{attemptId}', { userId: user, path });
    expect(polled.body).toMatchObject({ status: 'failed', error: { code: 'MFA_ATTEMPTS_EXCEEDED' } });
    const started = Date.now();
    await h.runtime.settleConnectWorkers();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await h.api('GET /garmin/connection/attempts/{attemptId}', { userId: user, path })).body).toMatchObject({
      status: 'failed',
      error: { code: 'MFA_ATTEMPTS_EXCEEDED' },
    });

    const verifiesAtCap = await h.sim.count('sso-mfa-verify');
    const right = await submit(user, path, '123456');
    expect(right.status).toBe(429);
    expect(right.body.error?.code).toBe('MFA_ATTEMPTS_EXCEEDED');
    expect(await h.sim.count('sso-mfa-verify')).toBe(verifiesAtCap);
    expect((await h.api('GET /garmin/connection', { userId: user })).status).toBe(404);
  });

  it('forwards at most the cap of codes sent at once', async () => {
    const user = h.newUser();
    const path = await startMfaAttempt(user);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => submit(user, path, String(200000 + i))));
    await h.runtime.settleConnectWorkers();
    expect(answers.filter((a) => a.body.error?.code === 'MFA_ATTEMPTS_EXCEEDED').length).toBeGreaterThanOrEqual(12 - LIMITS.mfaSubmissionsPerAttempt);
    // The library sends each code to Garmin at most twice (two endpoints).
    expect(await h.sim.count('sso-mfa-verify')).toBeLessThanOrEqual(2 * LIMITS.mfaSubmissionsPerAttempt);
    expect((await h.api('GET /garmin/connection/attempts/{attemptId}', { userId: user, path })).body).toMatchObject({
      status: 'failed',
      error: { code: 'MFA_ATTEMPTS_EXCEEDED' },
    });
  });

  it('still connects with the right code after a few wrong ones', async () => {
    const user = h.newUser();
    const path = await startMfaAttempt(user);
    for (let i = 0; i < LIMITS.mfaSubmissionsPerAttempt - 1; i++) expect((await submit(user, path, '000000')).status).toBe(422);
    const right = await submit(user, path, '123456');
    expect(right.status).toBe(201);
    expect(right.body).toMatchObject({ status: 'connected', connection: { username: MFA_USER } });
  });
});
