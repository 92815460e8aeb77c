/**
 * The circuit breaker that protects Garmin (and our standing with it) when Garmin starts
 * answering 429 to many users at once: pure functions over the stored record, so every
 * transition is tested without I/O.
 *
 *   closed ──(tripUsers distinct users rate-limited within the window)──> open
 *   open ──(cool-down passed)──> half-open: halfOpenFractions of the normal load, one step each
 *   half-open ──(halfOpenTripUsers rate-limited)──> open again, with a doubled cool-down
 *   half-open ──(all steps passed without that)──> closed
 *
 * Only trips are written: the way back follows from the times in the record, so a quiet
 * breaker costs no writes at all.
 */
import { LIMITS } from '../shared/limits';
import type { BreakerRecord } from '../shared/ports';

export interface BreakerPolicy {
  tripUsers: number;
  halfOpenTripUsers: number;
  windowSeconds: number;
  cooldownSeconds: number;
  maxCooldownSeconds: number;
  halfOpenFractions: readonly number[];
  halfOpenStepSeconds: number;
}

export const DEFAULT_BREAKER: BreakerPolicy = {
  tripUsers: LIMITS.breakerTripUsers,
  halfOpenTripUsers: LIMITS.breakerHalfOpenTripUsers,
  windowSeconds: LIMITS.breakerWindowSeconds,
  cooldownSeconds: LIMITS.breakerCooldownSeconds,
  maxCooldownSeconds: LIMITS.breakerMaxCooldownSeconds,
  halfOpenFractions: LIMITS.breakerHalfOpenFractions,
  halfOpenStepSeconds: LIMITS.breakerHalfOpenStepSeconds,
};

export type BreakerState =
  | { state: 'closed'; fraction: 1 }
  | { state: 'open'; fraction: 0; reopenAt: Date }
  | { state: 'half_open'; fraction: number; step: number; closesAt: Date };

const CLOSED: BreakerState = { state: 'closed', fraction: 1 };

export const cooldownSeconds = (trips: number, policy: BreakerPolicy = DEFAULT_BREAKER): number =>
  Math.min(policy.maxCooldownSeconds, policy.cooldownSeconds * 2 ** Math.max(0, trips - 1));

/** When a breaker that reopens at `reopenAt` is fully closed again, if nothing re-trips it. */
export const closesAt = (record: Pick<BreakerRecord, 'reopenAt'>, policy: BreakerPolicy = DEFAULT_BREAKER): Date =>
  new Date(Date.parse(record.reopenAt) + policy.halfOpenFractions.length * policy.halfOpenStepSeconds * 1000);

export const breakerState = (record: BreakerRecord | undefined, now: Date, policy: BreakerPolicy = DEFAULT_BREAKER): BreakerState => {
  if (!record) return CLOSED;
  const reopenMs = Date.parse(record.reopenAt);
  if (now.getTime() < reopenMs) return { state: 'open', fraction: 0, reopenAt: new Date(reopenMs) };
  const step = Math.floor((now.getTime() - reopenMs) / (policy.halfOpenStepSeconds * 1000));
  const fraction = policy.halfOpenFractions[step];
  if (fraction === undefined) return CLOSED;
  return { state: 'half_open', fraction, step, closesAt: closesAt(record, policy) };
};

/**
 * What a 429 report does, given how many distinct users were rate-limited within the
 * window: the record to store when the breaker trips (opens), undefined otherwise.
 */
export const tripOnRateLimited = (
  record: BreakerRecord | undefined,
  distinctUsers: number,
  now: Date,
  policy: BreakerPolicy = DEFAULT_BREAKER,
): BreakerRecord | undefined => {
  const current = breakerState(record, now, policy);
  if (current.state === 'open') return undefined;
  const threshold = current.state === 'half_open' ? policy.halfOpenTripUsers : policy.tripUsers;
  if (distinctUsers < threshold) return undefined;
  // Re-tripping while still recovering doubles the cool-down; after a full close it starts over.
  const trips = current.state === 'half_open' ? (record?.trips ?? 0) + 1 : 1;
  return {
    openedAt: now.toISOString(),
    reopenAt: new Date(now.getTime() + cooldownSeconds(trips, policy) * 1000).toISOString(),
    trips,
    version: (record?.version ?? 0) + 1,
  };
};

/** Start of the report bucket holding `now`, and the buckets counted together (this one and the previous). */
export const reportBuckets = (now: Date, policy: BreakerPolicy = DEFAULT_BREAKER): { current: Date; counted: Date[] } => {
  const size = policy.windowSeconds * 1000;
  const start = Math.floor(now.getTime() / size) * size;
  return { current: new Date(start), counted: [new Date(start), new Date(start - size)] };
};
