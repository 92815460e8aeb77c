/** Connecting a Garmin account: password login (asynchronous, with MFA), token import or a service ticket. */
import type * as z from '../shared/zod';
import type { ConnectionView, ConnectWithPasswordBody, ExchangeTicketBody, ImportTokensBody } from '../shared/api-schemas';
import { type BridgeErrorCode, type ExchangeRequest, type VerifyRequest, authResultOf } from '../shared/bridge-protocol';
import { AppError, rateLimited } from '../shared/errors';
import { LIMITS } from '../shared/limits';
import type { AttemptRecord } from '../shared/ports';
import { bridgeErrorToApp } from '../shared/bridge-errors';
import { CallLimits } from '../shared/call-limits';
import { toConnectionView } from './connection-view';
import { type ServiceDeps, pollUntil } from '../shared/deps';
import { establishConnection } from './establish-connection';
import { LoginGate } from './login-gate';

const MFA_EXHAUSTED = 'MFA_ATTEMPTS_EXCEEDED';
const MFA_EXHAUSTED_MESSAGE = `Garmin did not accept the last of the ${LIMITS.mfaSubmissionsPerAttempt} MFA codes this attempt may try; connect again to get a new code`;
const mfaAttemptsExceeded = () => new AppError(MFA_EXHAUSTED, MFA_EXHAUSTED_MESSAGE);
/** The attempt vanished while the caller waited: a disconnect erased it. */
const ERASED = 'erased' as const;
const attemptErased = () => new AppError('NOT_FOUND', 'The connect attempt was erased (disconnected) before it completed');

export type ConnectOutcome =
  | { status: 'connected'; connection: ConnectionView }
  | { status: 'pending' | 'mfa_required'; attemptId: string };

export interface AttemptCredentials {
  username: string;
  password: string;
}

export class ConnectService {
  private readonly loginGate: LoginGate;
  private readonly limits: CallLimits;

  constructor(private readonly deps: ServiceDeps) {
    this.loginGate = new LoginGate(deps.garminGuard);
    this.limits = new CallLimits(deps.rateLimiter);
  }

  async connectWithPassword(userId: string, body: z.output<typeof ConnectWithPasswordBody>): Promise<ConnectOutcome> {
    // Before charging the user: a login into a block would fail for sure and prolong it.
    await this.loginGate.assertOpen(this.deps.clock.now());
    const decision = await this.limits.login(userId, body.username, this.deps.clock.now());
    if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
    const now = this.deps.clock.now();
    const attemptId = this.deps.newId();
    const credentials: AttemptCredentials = { username: body.username, password: body.password };
    await this.deps.attempts.create({
      userId,
      attemptId,
      status: 'pending',
      credentials: await this.deps.vault.encrypt(userId, 'attempt-credentials', JSON.stringify(credentials)),
      rememberPassword: body.rememberPassword,
      mfaSubmissions: 0,
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + LIMITS.attemptTtlSeconds,
    });
    await this.deps.connectWorker.start({ userId, attemptId });
    const settled = await pollUntil(this.deps, LIMITS.connectWaitMs, async () => {
      const attempt = await this.deps.attempts.get(userId, attemptId, this.deps.clock.now());
      return !attempt || attempt.status !== 'pending' ? (attempt ?? ERASED) : undefined;
    });
    if (settled === ERASED) throw attemptErased();
    return settled ? this.outcomeOf(settled) : { status: 'pending', attemptId };
  }

  async importTokens(userId: string, body: z.output<typeof ImportTokensBody>): Promise<ConnectOutcome> {
    return this.connectSignedInElsewhere(userId, { op: 'verify', tokens: body.tokens }, body.username);
  }

  /** A sign-in the user completed on Garmin's page on their own device: its service ticket, exchanged here. */
  async exchangeTicket(userId: string, body: z.output<typeof ExchangeTicketBody>): Promise<ConnectOutcome> {
    return this.connectSignedInElsewhere(userId, { op: 'exchange', ticket: body.ticket, serviceUrl: body.serviceUrl }, body.username);
  }

  /**
   * A sign-in made on the user's device (a token blob, or a service ticket) made usable here,
   * synchronously: one authentication call of the user and no SSO login from this network,
   * so the login gate does not apply (this is the way out of a block).
   */
  private async connectSignedInElsewhere(
    userId: string,
    request: VerifyRequest | ExchangeRequest,
    username: string | undefined,
  ): Promise<ConnectOutcome> {
    const decision = await this.limits.tokenImport(userId, this.deps.clock.now());
    if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
    const response = await this.deps.bridge.call(request);
    if (!response.ok) throw bridgeErrorToApp(response.error);
    if (!response.tokens) throw new AppError('INTERNAL', 'The bridge returned no tokens');
    const { profile } = authResultOf(response);
    const connection = await establishConnection(this.deps, {
      userId,
      username: username ?? profile.displayName,
      tokens: response.tokens,
      tokensRefreshAt: response.tokensRefreshAt,
      profile,
    });
    if (!connection) {
      throw new AppError('CONNECTION_CHANGED', 'The connection was changed or erased while the tokens were verified; nothing was stored');
    }
    return { status: 'connected', connection: toConnectionView(connection) };
  }

  async getAttempt(userId: string, attemptId: string): Promise<AttemptRecord> {
    const attempt = await this.deps.attempts.get(userId, attemptId, this.deps.clock.now());
    if (!attempt) throw new AppError('NOT_FOUND', 'No such connect attempt');
    return attempt;
  }

  /**
   * Posts the code to the waiting bridge and waits, bounded, for Garmin's verdict. An attempt
   * takes at most LIMITS.mfaSubmissionsPerAttempt codes: once they are used up without
   * success it ends at once (failed, MFA_ATTEMPTS_EXCEEDED), and the bridge stops waiting.
   */
  async submitMfaCode(userId: string, attemptId: string, code: string): Promise<ConnectOutcome> {
    const attempt = await this.getAttempt(userId, attemptId);
    if (attempt.error?.code === MFA_EXHAUSTED) throw mfaAttemptsExceeded();
    if (attempt.status !== 'mfa_required') {
      throw new AppError('ATTEMPT_NOT_WAITING', `The attempt is ${attempt.status}, not waiting for an MFA code`);
    }
    const codeId = this.deps.newId();
    if (!(await this.deps.attempts.submitMfaCode(userId, attemptId, code, codeId, LIMITS.mfaSubmissionsPerAttempt))) {
      const current = await this.deps.attempts.get(userId, attemptId, this.deps.clock.now());
      if (current?.status === 'mfa_required' && current.mfaSubmissions >= LIMITS.mfaSubmissionsPerAttempt) {
        // Over the cap the attempt ends at once, even with a last code still at Garmin.
        await this.endForTooManyCodes(userId, attemptId);
      }
      if (current?.error?.code === MFA_EXHAUSTED) throw mfaAttemptsExceeded();
      throw new AppError('ATTEMPT_NOT_WAITING', 'The attempt is no longer waiting for an MFA code');
    }
    const settled = await pollUntil(this.deps, LIMITS.connectWaitMs, async () => {
      const current = await this.deps.attempts.get(userId, attemptId, this.deps.clock.now());
      if (!current) return ERASED;
      if (current.status === 'connected' || current.status === 'failed') return current;
      return current.mfaOutcomeCodeId === codeId && current.mfaOutcome === 'invalid' ? current : undefined;
    });
    if (settled === ERASED) throw attemptErased();
    if (!settled) return { status: 'pending', attemptId };
    if (settled.mfaOutcomeCodeId === codeId && settled.mfaOutcome === 'invalid' && settled.status === 'mfa_required') {
      if (settled.mfaSubmissions >= LIMITS.mfaSubmissionsPerAttempt) await this.endForTooManyCodes(userId, attemptId);
      throw new AppError('GARMIN_MFA_INVALID', 'Garmin did not accept the MFA code; the attempt still waits for the right one');
    }
    return this.outcomeOf(settled);
  }

  /** Ends the attempt (the bridge sees it and stops waiting) and refuses the code. */
  private async endForTooManyCodes(userId: string, attemptId: string): Promise<never> {
    await this.deps.attempts.finish(userId, attemptId, 'failed', { code: MFA_EXHAUSTED, message: MFA_EXHAUSTED_MESSAGE });
    throw mfaAttemptsExceeded();
  }

  private async outcomeOf(attempt: AttemptRecord): Promise<ConnectOutcome> {
    if (attempt.status === 'failed') {
      if (attempt.error?.code === MFA_EXHAUSTED) throw mfaAttemptsExceeded();
      const code = (attempt.error?.code ?? 'INTERNAL') as BridgeErrorCode;
      const closedSeconds = code === 'LOGIN_BLOCKED' ? await this.loginGate.closedForSeconds(this.deps.clock.now()) : 0;
      throw bridgeErrorToApp({
        code,
        message: attempt.error?.message ?? 'The connection failed',
        ...(closedSeconds > 0 ? { retryAfterSeconds: closedSeconds } : {}),
      });
    }
    if (attempt.status === 'connected') {
      const connection = await this.deps.connections.get(attempt.userId);
      if (connection) return { status: 'connected', connection: toConnectionView(connection) };
    }
    return { status: attempt.status === 'mfa_required' ? 'mfa_required' : 'pending', attemptId: attempt.attemptId };
  }
}
