import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../../functions/core/shared/limits';
import { ConnectService } from '../../../../functions/core/connect/connect-service';
import { fakeDeps } from '../../../support/fakes/deps';
import { connectionRecord, refusal } from '../../../support/fakes/records';

const NOW = new Date('2026-11-30T12:00:00Z');
const RIGHT_CODE = '123456';

/**
 * An attempt waiting for its MFA code, and Garmin's side played by the bridge: while the
 * service waits (each pause), the code in the mailbox is judged as the bridge would report it.
 */
const waitingForCode = async (mfaSubmissions = 0) => {
  const fakes = fakeDeps(NOW);
  const { attempts, connections, clock } = fakes;
  await attempts.create({
    userId: 'u1',
    attemptId: 'a1',
    status: 'mfa_required',
    credentials: 'sealed',
    rememberPassword: false,
    mfaSubmissions,
    createdAt: NOW.toISOString(),
    expiresAt: NOW.getTime() / 1000 + LIMITS.attemptTtlSeconds,
  });
  const garmin = async () => {
    clock.advance(1);
    const attempt = attempts.attempts.get('u1#a1');
    if (!attempt?.mfaCode || attempt.status !== 'mfa_required') return;
    if (attempt.mfaCode !== RIGHT_CODE) {
      Object.assign(attempt, { mfaOutcome: 'invalid', mfaOutcomeCodeId: attempt.mfaCodeId, mfaCode: undefined });
      return;
    }
    await connections.put(connectionRecord({ tokens: 'sealed:u1:tokens:t', createdAt: NOW.toISOString() }));
    await attempts.finish('u1', 'a1', 'connected');
  };
  return { ...fakes, service: new ConnectService({ ...fakes.deps, pause: garmin }) };
};

describe('ConnectService: MFA codes', () => {
  it('a wrong code is refused and the attempt waits for the right one', async () => {
    const fakes = await waitingForCode();

    expect(await refusal(fakes.service.submitMfaCode('u1', 'a1', '000000'))).toBe('GARMIN_MFA_INVALID');
    expect(await fakes.attempts.get('u1', 'a1', fakes.clock.now())).toMatchObject({ status: 'mfa_required', mfaSubmissions: 1 });
  });

  it('the right code connects', async () => {
    const fakes = await waitingForCode();

    const outcome = await fakes.service.submitMfaCode('u1', 'a1', RIGHT_CODE);

    expect(outcome).toMatchObject({ status: 'connected', connection: { status: 'active', username: 'athlete@example.com' } });
    expect(await fakes.attempts.get('u1', 'a1', fakes.clock.now())).toMatchObject({ status: 'connected' });
  });

  it('a wrong last code ends the attempt: no further code is taken, not even the right one', async () => {
    const fakes = await waitingForCode(LIMITS.mfaSubmissionsPerAttempt - 1);

    expect(await refusal(fakes.service.submitMfaCode('u1', 'a1', '000000'))).toBe('MFA_ATTEMPTS_EXCEEDED');
    expect(await fakes.attempts.get('u1', 'a1', fakes.clock.now())).toMatchObject({ status: 'failed', error: { code: 'MFA_ATTEMPTS_EXCEEDED' } });

    expect(await refusal(fakes.service.submitMfaCode('u1', 'a1', RIGHT_CODE))).toBe('MFA_ATTEMPTS_EXCEEDED');
    expect(await fakes.connections.get('u1')).toBeUndefined();
  });

  it('an attempt that has taken every code refuses the next and ends', async () => {
    const fakes = await waitingForCode(LIMITS.mfaSubmissionsPerAttempt);

    expect(await refusal(fakes.service.submitMfaCode('u1', 'a1', RIGHT_CODE))).toBe('MFA_ATTEMPTS_EXCEEDED');
    expect(await fakes.attempts.get('u1', 'a1', fakes.clock.now())).toMatchObject({ status: 'failed', error: { code: 'MFA_ATTEMPTS_EXCEEDED' } });
    expect(await fakes.connections.get('u1')).toBeUndefined();
  });
});
