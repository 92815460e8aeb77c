/**
 * Writes to Garmin (a weigh-in, hydration intake), each under the app's Idempotency-Key: the
 * key is claimed before anything else, so a retry (same user, same key) never reaches Garmin
 * again and gets the first answer; the same key with another body is refused. A key is freed
 * only when its write certainly never reached Garmin (refused here, or the bridge sent no
 * request); when that is not certain (a lost bridge answer) it stays held, and retries get
 * WRITE_IN_PROGRESS until it expires: a missing write is visible to the user, a double one is not.
 */
import { createHash } from 'node:crypto';
import { type HydrationWriteBody, type WeightWriteBody, bodyCompositionOf } from '../shared/api-write-schemas';
import { type AddHydrationRequest, type AddWeighInRequest, type WriteResult, writeResultOf } from '../shared/bridge-protocol';
import { AppError, rateLimited } from '../shared/errors';
import { EventRecorder } from '../events/recorder';
import { type DataChanges, NO_DATA_CHANGES } from '../events/rules';
import { LIMITS } from '../shared/limits';
import { localTimestamp } from '../shared/local-time';
import type { ConnectionRecord, GarminObject, ScheduleEnd, WriteOutcome } from '../shared/ports';
import { hydrationOf, weighInsOf } from '../read/wellness';
import { sameContent } from '../sync/summary-finality';
import { weightDayOf } from '../sync/wellness-days';
import { bridgeErrorToApp } from '../shared/bridge-errors';
import { fetchDecision, withFetch } from '../shared/call-limits';
import type { ServiceDeps } from '../shared/deps';
import { persistRotatedTokens } from '../connect/rotated-tokens';
import { SyncGuard, heldBack } from '../sync/sync-guard';

export type WriteInput = { kind: 'weight'; body: WeightWriteBody } | { kind: 'hydration'; body: HydrationWriteBody };

/** What a write did: its answer, and the stored day it changed (for the app's events). */
interface Performed {
  outcome: WriteOutcome;
  changes?: DataChanges;
}

/** A refusal before anything reached Garmin: the key is freed for a retry. */
class NotSent extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

/** A write's status code; what the app reads from its answer. */
const CREATED = 201;
/** How soon to retry while another call holds the user's tokens (a sync takes seconds). */
const BUSY_RETRY_SECONDS = 5;
/** Garmin requests of one write: the write, and the read of its day. */
const WRITE_REQUESTS = 2;

const errorBody = (error: AppError): GarminObject => ({ error: { code: error.code, message: error.message } });

export class WriteService {
  /** The service-wide breaker and budget: a write is admitted like a manual sync (the user waits). */
  private readonly guard: SyncGuard;
  private readonly events: EventRecorder;

  constructor(private readonly deps: ServiceDeps) {
    this.events = new EventRecorder(deps);
    this.guard = new SyncGuard(deps.garminGuard);
  }

  async write(userId: string, key: string, input: WriteInput): Promise<WriteOutcome> {
    // The parsed body in schema order: equal requests hash alike whatever their JSON's key order.
    const fingerprint = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    const now = this.deps.clock.now();
    const held = await this.deps.idempotency.claim(userId, key, fingerprint, now);
    if (held) {
      if (held.fingerprint !== fingerprint) {
        throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for another write; use a new key for a new write');
      }
      if (!held.outcome) throw new AppError('WRITE_IN_PROGRESS', 'The write with this Idempotency-Key has not finished', BUSY_RETRY_SECONDS);
      return held.outcome;
    }
    let performed: Performed;
    try {
      performed = await this.perform(userId, input, now);
    } catch (error) {
      if (!(error instanceof NotSent)) throw error;
      await this.deps.idempotency.release(userId, key);
      throw error.error;
    }
    await this.deps.idempotency.complete(userId, key, performed.outcome);
    // After the key holds the answer: a retry replays it and announces nothing twice.
    if (performed.changes) await this.events.dataChanged(userId, performed.changes);
    return performed.outcome;
  }

  private async perform(userId: string, input: WriteInput, now: Date): Promise<Performed> {
    const owner = this.deps.newId();
    // The sync lease: a sync and a write using the same refresh token at once would burn it.
    const schedule = await this.deps.schedules.acquire(userId, owner, new Date(now.getTime() + LIMITS.leaseTtlSeconds * 1000).toISOString(), now);
    if (!schedule) {
      throw new NotSent(new AppError('GARMIN_CALL_IN_PROGRESS', 'A sync of this user is talking to Garmin; try again shortly', BUSY_RETRY_SECONDS));
    }
    // The lease ends with the fetch log, when this write reached for Garmin.
    const end: ScheduleEnd = {};
    try {
      const connection = await this.deps.connections.get(userId);
      if (!connection?.isActive) throw new NotSent(new AppError('NOT_CONNECTED', connection ? 'The connection needs the user to log in again' : 'No Garmin account is connected'));
      // Service-wide first (as a sync): a write held back there must not use up the user's own limit.
      const admission = await this.guard.admit({ userId, reason: 'manual' }, WRITE_REQUESTS, now);
      if (!admission.admitted) {
        throw new NotSent(heldBack(admission, now));
      }
      // A write counts with the user's fetches (call-limits.ts), whose log the lease holds.
      const decision = fetchDecision(schedule.fetches, now);
      if (!decision.allowed) throw new NotSent(rateLimited(decision.retryAfterSeconds));
      end.fetches = withFetch(schedule.fetches, now);
      const tokens = await this.deps.vault.decrypt(userId, 'tokens', connection.tokens);
      const response = await this.deps.bridge.call(this.request(input, tokens, connection));
      await this.guard.settle(userId, admission, response.garminRequests, !response.ok && response.error.code === 'RATE_LIMITED', now);
      // First: Garmin has already burned the old refresh token.
      if (response.tokensChanged && response.tokens) await persistRotatedTokens(this.deps, connection, response.tokens, now, response.tokensRefreshAt);
      if (!response.ok) {
        const error = bridgeErrorToApp(response.error);
        if (response.garminRequests === 0) throw new NotSent(error);
        return { outcome: { status: error.status, body: errorBody(error) } };
      }
      const { body, changes } = await this.storeDay(userId, input.kind, writeResultOf(response));
      return { outcome: { status: CREATED, body }, ...(changes ? { changes } : {}) };
    } finally {
      await this.deps.schedules.end(userId, owner, end);
    }
  }

  private request(input: WriteInput, tokens: string, connection: ConnectionRecord): AddWeighInRequest | AddHydrationRequest {
    if (input.kind === 'hydration') return { op: 'addHydration', tokens, date: input.body.date, ml: input.body.ml };
    // Garmin files a weigh-in under its local day: the user's zone decides it, not the app's offset.
    const timestamp = localTimestamp(new Date(input.body.timestamp), connection.timeZone ?? 'UTC');
    const bodyComposition = bodyCompositionOf(input.body);
    return { op: 'addWeighIn', tokens, timestamp, weightKg: input.body.weightKg, ...(bodyComposition ? { bodyComposition } : {}) };
  }

  /**
   * The written day as Garmin now holds it, stored like a synced day so the next read shows
   * it; finality is the stored day's (or its summary's), which the write does not change.
   * A changed day is announced by the write: the next sync finds it stored and unchanged.
   */
  private async storeDay(userId: string, kind: WriteInput['kind'], result: WriteResult): Promise<{ body: GarminObject; changes?: DataChanges }> {
    const { date } = result;
    const garmin = kind === 'weight' ? (result.weight ? weightDayOf(result.weight, date) : undefined) : result.hydration;
    // The read-back failed: the next sync of that day stores it and announces it.
    if (!garmin) return { body: kind === 'weight' ? { date, weighIns: null } : { date, hydration: null } };
    const [stored] = await this.deps.data.queryWellnessDays(userId, kind, date, date);
    const [summary] = stored ? [] : await this.deps.data.queryDailySummaries(userId, date, date);
    const day = { date, final: stored?.final ?? summary?.final ?? false, garmin };
    await this.deps.data.upsertWellnessDays(userId, kind, [day]);
    const body = kind === 'weight' ? { date, weighIns: weighInsOf(day) } : { date, hydration: hydrationOf(day) };
    if (stored && sameContent(stored.garmin, garmin)) return { body };
    return { body, changes: { ...NO_DATA_CHANGES, wellness: { ...NO_DATA_CHANGES.wellness, [kind]: [date] } } };
  }
}
