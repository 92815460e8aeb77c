/**
 * The sync worker's side of the service-wide Garmin protection (dispatch is the other):
 *
 * - before a sync calls Garmin: no call while the breaker is open (the sync waits for the
 *   half-open phase, whose load dispatch throttles); a backfill chunk, which dispatch did not
 *   reserve for, reserves its own requests in the current minute's budget or waits;
 * - after the call: requests beyond what was reserved are charged to the minute they were
 *   made in (so dispatch sees them), and a 429 is reported to the breaker, which may trip it.
 */
import { AppError } from '../shared/errors';
import { LIMITS } from '../shared/limits';
import type { GarminGuardStore, SyncJob } from '../shared/ports';
import { DEFAULT_BREAKER, type BreakerPolicy, type BreakerState, breakerState, closesAt, reportBuckets, tripOnRateLimited } from './breaker';
import { BUDGET_WINDOW_MS, budgetWindow } from './budget';

export type Admission =
  | { admitted: true; reserved: number; windowStart?: Date }
  | { admitted: false; reason: 'breaker_open' | 'budget'; retryAt: Date };

/** How long a worker trusts the breaker it read (one read per container and period, not per sync). */
const BREAKER_CACHE_MS = 5_000;

/** What a user waiting for a manual sync or a write is told when the guard held the call back. */
export const heldBack = (admission: { retryAt: Date }, now: Date): AppError =>
  new AppError('GARMIN_RATE_LIMITED', 'Garmin is limiting requests; try again later', Math.max(1, Math.ceil((admission.retryAt.getTime() - now.getTime()) / 1000)));

export class SyncGuard {
  private cached: { readAtMs: number; state: BreakerState } | undefined;

  constructor(
    private readonly store: GarminGuardStore,
    private readonly policy: BreakerPolicy = DEFAULT_BREAKER,
    private readonly requestsPerMinute: number = LIMITS.garminRequestsPerMinute,
    private readonly reservedByDispatch: number = LIMITS.estimatedRequestsPerSync,
  ) {}

  async breaker(now: Date): Promise<BreakerState> {
    const cached = this.cached;
    if (cached && now.getTime() - cached.readAtMs < BREAKER_CACHE_MS && now.getTime() >= cached.readAtMs) {
      // The state moves with time too: re-derive it from the cached open period.
      return cached.state.state === 'open' && now >= cached.state.reopenAt ? this.refresh(now) : cached.state;
    }
    return this.refresh(now);
  }

  private async refresh(now: Date): Promise<BreakerState> {
    const state = breakerState(await this.store.readBreaker(), now, this.policy);
    this.cached = { readAtMs: now.getTime(), state };
    return state;
  }

  /** Whether a sync may call Garmin now, for about `plannedRequests` requests. */
  async admit(job: SyncJob, plannedRequests: number, now: Date): Promise<Admission> {
    const breaker = await this.breaker(now);
    if (breaker.state === 'open') return { admitted: false, reason: 'breaker_open', retryAt: breaker.reopenAt };
    // Dispatch reserved a scheduled sync's requests when it claimed it.
    if (job.reason === 'scheduled' && job.dueAt !== undefined) return { admitted: true, reserved: this.reservedByDispatch };
    // The user is waiting for a manual sync: it is not held back, only counted afterwards.
    if (job.reason === 'manual' || plannedRequests <= 0) return { admitted: true, reserved: 0 };
    const windowStart = budgetWindow(now);
    const limit = Math.floor(this.requestsPerMinute * breaker.fraction);
    const granted = await this.store.reserve(windowStart, plannedRequests, limit);
    if (granted > 0) return { admitted: true, reserved: granted, windowStart };
    return { admitted: false, reason: 'budget', retryAt: new Date(windowStart.getTime() + BUDGET_WINDOW_MS) };
  }

  /** Gives back a reservation that will not be used (the sync stopped before calling Garmin). */
  async release(admission: Admission): Promise<void> {
    if (admission.admitted && admission.windowStart && admission.reserved > 0) {
      await this.store.charge(admission.windowStart, -admission.reserved);
    }
  }

  /**
   * After the call: what it really cost, and whether Garmin rate-limited it. Best effort:
   * Garmin has been called already, and a failure here must not fail the sync, or SQS would
   * deliver it again and the retry would call Garmin a second time.
   */
  async settle(userId: string, admission: Admission, garminRequests: number, rateLimited: boolean, now: Date): Promise<void> {
    try {
      await this.record(userId, admission, garminRequests, rateLimited, now);
    } catch {
      this.recordFailures++;
    }
  }

  /** settle() calls whose bookkeeping failed (for tests and diagnostics). */
  recordFailures = 0;

  private async record(userId: string, admission: Admission, garminRequests: number, rateLimited: boolean, now: Date): Promise<void> {
    if (!admission.admitted) return;
    const reserved = admission.reserved;
    if (garminRequests > reserved) {
      await this.store.charge(budgetWindow(now), garminRequests - reserved);
    } else if (admission.windowStart && garminRequests < reserved) {
      // A backfill chunk's own reservation, partly unused: give the rest back. (A scheduled
      // sync's dispatch reservation is not refunded: that would be a write per sync.)
      await this.store.charge(admission.windowStart, garminRequests - reserved);
    }
    if (rateLimited) await this.report(userId, now);
  }

  /** Garmin answered this user 429 (outside a fetch: a re-login): best effort, like settle(). */
  async reportRateLimited(userId: string, now: Date): Promise<void> {
    try {
      await this.report(userId, now);
    } catch {
      this.recordFailures++;
    }
  }

  /** Counts the 429 and trips the breaker if enough distinct users got one. */
  private async report(userId: string, now: Date): Promise<void> {
    const { current, counted } = reportBuckets(now, this.policy);
    const expiresAt = new Date(current.getTime() + 2 * this.policy.windowSeconds * 1000 + 60_000);
    const users = await this.store.reportRateLimited(userId, current, counted, expiresAt);
    const record = await this.store.readBreaker();
    const tripped = tripOnRateLimited(record, users, now, this.policy);
    if (!tripped) return;
    // Losing this race means another worker tripped it (or it re-tripped): either way it is open.
    await this.store.writeBreaker(tripped, record?.version, new Date(closesAt(tripped, this.policy).getTime() + 3600_000));
    this.cached = undefined;
  }
}
