/**
 * Password logins while Garmin's SSO blocks this service's network. Garmin (through
 * Cloudflare) has refused SSO logins from cloud address ranges for whole periods; every
 * login tried into such a block fails after the library's whole strategy chain and prolongs
 * it. So one refused login closes the gate for everyone, for LIMITS.loginBlockSeconds,
 * doubled for each block that follows the last (capped); the first login after it probes.
 * A sign-in on the user's own device (a service ticket, or a token import) never passes
 * through here: it is the way out of a block.
 */
import { AppError } from '../shared/errors';
import { LIMITS } from '../shared/limits';
import type { GarminGuardStore } from '../shared/ports';

export const LOGIN_BLOCKED_MESSAGE =
  'Garmin is refusing password sign-ins from this service for now. Sign in on Garmin\'s page on your own device and connect ' +
  'with the service ticket it gives (POST /garmin/connection {"ticket": "ST-...", "serviceUrl": "..."}), or try again later.';

export class LoginGate {
  constructor(private readonly store: GarminGuardStore) {}

  /** Seconds until password logins may be tried again; 0 when they may now. */
  async closedForSeconds(now: Date): Promise<number> {
    const block = await this.store.readLoginBlock();
    if (!block) return 0;
    return Math.max(0, Math.ceil((Date.parse(block.until) - now.getTime()) / 1000));
  }

  /** Throws GARMIN_LOGIN_BLOCKED (503 + Retry-After) while the gate is closed. */
  async assertOpen(now: Date): Promise<void> {
    const seconds = await this.closedForSeconds(now);
    if (seconds > 0) throw new AppError('GARMIN_LOGIN_BLOCKED', LOGIN_BLOCKED_MESSAGE, seconds);
  }

  /** Garmin refused a login as a block: close the gate; returns until when. */
  async blocked(now: Date, retryAfterSeconds?: number): Promise<Date> {
    const previous = await this.store.readLoginBlock();
    const strikes = (previous?.strikes ?? 0) + 1;
    const seconds = Math.min(LIMITS.loginBlockMaxSeconds, Math.max(retryAfterSeconds ?? 0, LIMITS.loginBlockSeconds * 2 ** (strikes - 1)));
    const until = new Date(now.getTime() + seconds * 1000);
    // Kept past its end so the next block counts as a repeat; forgotten after a quiet day.
    await this.store.writeLoginBlock({ until: until.toISOString(), strikes }, new Date(until.getTime() + LIMITS.loginBlockMaxSeconds * 1000));
    return until;
  }
}
