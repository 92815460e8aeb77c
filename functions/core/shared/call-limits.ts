/**
 * Which Garmin calls count against which limits (the numbers are in LIMITS):
 *
 * - a password login: the app user's authentication calls, the Garmin account's logins
 *   (across app users) and the service's logins;
 * - a token import or a service-ticket exchange: the app user's authentication calls (no
 *   SSO login reaches Garmin);
 * - a sync that calls Garmin, and a write (weigh-in, hydration): the app user's fetches, one
 *   budget of Garmin calls per user, so writes cannot add load beyond what syncs may make.
 *
 * The logs live outside the user's data, so disconnecting resets none of them. A login
 * looks at every log before recording in any, so a refusal by one limit does not use up
 * the others; two logins racing for the last slot may still both be recorded where one
 * was refused, which only ever errs on the side of fewer logins.
 */
import { createHash } from 'node:crypto';
import { LIMITS } from './limits';
import type { RateDecision, RateLimiter, RateLogKey, RateRule } from './ports';

const rule = (limit: number): RateRule => ({ limit, windowSeconds: LIMITS.rateWindowSeconds });

const RULES = {
  userAuth: rule(LIMITS.authCallsPerHour),
  userFetch: rule(LIMITS.fetchesPerHour),
  garminAccountLogin: rule(LIMITS.garminAccountLoginsPerHour),
  serviceLogin: rule(LIMITS.serviceLoginsPerHour),
} as const;

/** Garmin usernames are e-mail addresses, case-insensitive; only a hash of one is ever stored. */
export const garminAccountKey = (username: string): string =>
  createHash('sha256').update(`garmin-account:${username.trim().toLowerCase()}`).digest('hex');

type Limit = { key: RateLogKey; rule: RateRule };

const userAuth = (userId: string): Limit => ({ key: { scope: 'user', subject: userId, kind: 'auth' }, rule: RULES.userAuth });

/** The longest wait among the refusals; allowed when there is none. */
const strictest = (decisions: RateDecision[]): RateDecision => {
  const waits = decisions.flatMap((d) => (d.allowed ? [] : [d.retryAfterSeconds]));
  return waits.length ? { allowed: false, retryAfterSeconds: Math.max(...waits) } : { allowed: true };
};

export class CallLimits {
  constructor(private readonly limiter: RateLimiter) {}

  /** A password login for `garminUsername` on behalf of `userId`. */
  login(userId: string, garminUsername: string, now: Date): Promise<RateDecision> {
    return this.takeAll(
      [
        userAuth(userId),
        { key: { scope: 'garmin_account', subject: garminAccountKey(garminUsername), kind: 'login' }, rule: RULES.garminAccountLogin },
        { key: { scope: 'service', subject: 'garmin', kind: 'login' }, rule: RULES.serviceLogin },
      ],
      now,
    );
  }

  /** A token import or a ticket exchange (a sign-in made elsewhere: no SSO login from here). */
  tokenImport(userId: string, now: Date): Promise<RateDecision> {
    return this.takeAll([userAuth(userId)], now);
  }

  /** A sync that will call Garmin. */
  fetch(userId: string, now: Date): Promise<RateDecision> {
    return this.takeAll([{ key: { scope: 'user', subject: userId, kind: 'fetch' }, rule: RULES.userFetch }], now);
  }

  /** A write to Garmin: counted with the fetches (see above). */
  write(userId: string, now: Date): Promise<RateDecision> {
    return this.fetch(userId, now);
  }

  private async takeAll(limits: Limit[], now: Date): Promise<RateDecision> {
    if (limits.length > 1) {
      const looked = strictest(await Promise.all(limits.map(({ key, rule }) => this.limiter.peek(key, rule, now))));
      if (!looked.allowed) return looked;
    }
    for (const { key, rule } of limits) {
      const decision = await this.limiter.take(key, rule, now);
      if (!decision.allowed) return decision;
    }
    return { allowed: true };
  }
}
