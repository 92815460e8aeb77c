import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../../functions/core/shared/limits';
import { completeConnectAttempt } from '../../../../functions/core/connect/connect-worker';
import { failed, succeeded } from '../../../support/fakes/bridge';
import { fakeDeps } from '../../../support/fakes/deps';

const NOW = new Date('2026-11-30T12:00:00Z');
const PROFILE = { displayName: 'athlete', fullName: null, profileId: 1, unitSystem: 'metric' };

const pendingAttempt = async (rememberPassword: boolean) => {
  const fakes = fakeDeps(NOW);
  await fakes.attempts.create({
    userId: 'u1',
    attemptId: 'a1',
    status: 'pending',
    credentials: await fakes.vault.encrypt('u1', 'attempt-credentials', JSON.stringify({ username: 'athlete@example.com', password: 'secret' })),
    rememberPassword,
    mfaSubmissions: 0,
    createdAt: NOW.toISOString(),
    expiresAt: NOW.getTime() / 1000 + LIMITS.attemptTtlSeconds,
  });
  return fakes;
};

describe('completeConnectAttempt', () => {
  it.each([true, false])('a login stores the connection (password kept: %s), queues its backfill and ends the attempt', async (remember) => {
    const fakes = await pendingAttempt(remember);
    fakes.bridge.answer('login', succeeded({ profile: PROFILE }, 'tokens'));

    expect(await completeConnectAttempt(fakes.deps, { userId: 'u1', attemptId: 'a1' })).toBe('connected');

    const connection = await fakes.connections.get('u1');
    expect(connection).toMatchObject({ status: 'active', isActive: true, displayName: 'athlete' });
    expect(await fakes.vault.decrypt('u1', 'tokens', connection?.tokens ?? '')).toBe('tokens');
    expect(connection?.password !== undefined).toBe(remember);
    expect(fakes.queue.jobs).toEqual([{ userId: 'u1', reason: 'backfill' }]);
    const attempt = await fakes.attempts.get('u1', 'a1', NOW);
    expect(attempt).toMatchObject({ status: 'connected' });
    expect(attempt?.credentials).toBeUndefined();
  });

  it('a refused login ends the attempt with its code and stores nothing', async () => {
    const fakes = await pendingAttempt(false);
    fakes.bridge.answer('login', failed({ code: 'INVALID_CREDENTIALS', message: 'wrong password' }));

    expect(await completeConnectAttempt(fakes.deps, { userId: 'u1', attemptId: 'a1' })).toBe('failed');

    expect(await fakes.attempts.get('u1', 'a1', NOW)).toMatchObject({ status: 'failed', error: { code: 'INVALID_CREDENTIALS' } });
    expect(await fakes.connections.get('u1')).toBeUndefined();
  });

  it('a disconnect during the login leaves no connection behind', async () => {
    const fakes = await pendingAttempt(true);
    // The user disconnects while Garmin answers: the attempt is erased.
    fakes.bridge.answer('login', succeeded({ profile: PROFILE }, 'tokens'), () => fakes.attempts.deleteAllForUser('u1'));

    expect(await completeConnectAttempt(fakes.deps, { userId: 'u1', attemptId: 'a1' })).toBe('failed');

    expect(await fakes.connections.get('u1')).toBeUndefined();
    expect(fakes.queue.jobs).toEqual([]);
  });

  it('a repeated invocation of an ended attempt does nothing', async () => {
    const fakes = await pendingAttempt(false);
    await fakes.attempts.finish('u1', 'a1', 'failed', { code: 'INTERNAL', message: 'x' });

    expect(await completeConnectAttempt(fakes.deps, { userId: 'u1', attemptId: 'a1' })).toBe('skipped');
    expect(fakes.bridge.requests).toEqual([]);
  });
});
