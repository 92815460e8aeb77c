/** The connect worker: runs the (possibly minutes-long) Garmin login of one attempt. */
import { authResultOf } from '../shared/bridge-protocol';
import { LIMITS } from '../shared/limits';
import type { ConnectJob } from '../shared/ports';
import type { AttemptCredentials } from './connect-service';
import type { ServiceDeps } from '../shared/deps';
import { establishConnection } from './establish-connection';
import { LOGIN_BLOCKED_MESSAGE, LoginGate } from './login-gate';

export const completeConnectAttempt = async (deps: ServiceDeps, job: ConnectJob): Promise<'connected' | 'failed' | 'skipped'> => {
  const { userId, attemptId } = job;
  const attempt = await deps.attempts.get(userId, attemptId, deps.clock.now());
  // Expired, already handled (a repeated invocation), or credentials already erased.
  if (!attempt || attempt.status !== 'pending' || !attempt.credentials) return 'skipped';
  const fail = async (code: string, message: string) => {
    await deps.attempts.finish(userId, attemptId, 'failed', { code, message });
    return 'failed' as const;
  };
  try {
    const credentials = JSON.parse(
      await deps.vault.decrypt(userId, 'attempt-credentials', attempt.credentials),
    ) as AttemptCredentials;
    const response = await deps.bridge.call({
      op: 'login',
      username: credentials.username,
      password: credentials.password,
      mfa: { userId, attemptId, waitSeconds: LIMITS.mfaWaitSeconds },
    });
    if (!response.ok && response.error.code === 'LOGIN_BLOCKED') {
      await new LoginGate(deps.garminGuard).blocked(deps.clock.now(), response.error.retryAfterSeconds);
      return await fail('LOGIN_BLOCKED', LOGIN_BLOCKED_MESSAGE);
    }
    if (!response.ok) return await fail(response.error.code, response.error.message);
    if (!response.tokens) return await fail('INTERNAL', 'The bridge returned no tokens');
    const connection = await establishConnection(
      deps,
      {
        userId,
        username: credentials.username,
        ...(attempt.rememberPassword ? { password: credentials.password } : {}),
        tokens: response.tokens,
        tokensRefreshAt: response.tokensRefreshAt,
        profile: authResultOf(response).profile,
      },
      attemptId,
    );
    // The attempt was erased (disconnect) or ended (MFA cap) during the login, or another
    // connection was made meanwhile: an erased account must not come back.
    if (!connection) return await fail('ATTEMPT_ENDED', 'The connection changed or was erased while this attempt ran');
    await deps.attempts.finish(userId, attemptId, 'connected');
    return 'connected';
  } catch (error) {
    // The attempt must end either way: the user is polling it, and its credentials must go.
    await fail('INTERNAL', 'The connection could not be completed');
    throw error;
  }
};
