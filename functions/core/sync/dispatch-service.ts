/**
 * Scheduled dispatch: find due connections through the sharded index, claim each with a
 * conditional write of its schedule item that is the sync's lease (so no user is dispatched
 * twice, and the job carries the lease's owner), and queue them spread with jitter,
 * within the service-wide Garmin budget and unless the circuit breaker is open.
 *
 * One run:
 *  1. the breaker: open → claim nothing; half-open → only its fraction of the normal load
 *     (of maxPerRun and of the per-minute budget);
 *  2. the due connections of every shard, merged oldest first (fair across shards);
 *  3. budget: the queue delays 0 … spread-1 s are cut into the minute windows the syncs will
 *     run in, and each window's share of `requestsPerSync` × candidates is reserved there
 *     with an atomic conditional increment (never past the limit); a window without room
 *     gives fewer slots, others may take the rest;
 *  4. claims, oldest first, only as many as there are slots; each claimed sync gets a slot
 *     and a uniformly random delay inside that slot's window (the jitter);
 *     claimed chunk by chunk, each chunk queued at once (workers start while dispatch goes on);
 *  5. slots left unused (lost claims) are given back.
 * Connections left unclaimed stay due and are found again by the next run.
 */
import { LIMITS } from '../shared/limits';
import type { DueSchedule, GarminGuardStore, ScheduleStore, SyncJob, SyncQueue } from '../shared/ports';
import { DEFAULT_BREAKER, type BreakerPolicy, type BreakerState, breakerState } from './breaker';
import { type DelaySegment, delaySegments, jitterIn } from './budget';

export interface DispatchDeps {
  schedules: ScheduleStore;
  queue: SyncQueue;
  clock: { now(): Date };
  random(): number;
  /** The owner id of each claim (its lease). */
  newId(): string;
  /** The service-wide budget and breaker. */
  guard: GarminGuardStore;
}

export interface DispatchOptions {
  maxPerRun: number;
  /**
   * Queued jobs are delayed uniformly in [0, spreadSeconds) (SQS allows up to 900). Best
   * equal to the schedule's period, so the budget of every minute between two runs is used.
   */
  spreadSeconds: number;
  /** Garmin requests per minute for the whole service. */
  requestsPerMinute: number;
  /** Requests reserved per dispatched sync. */
  requestsPerSync: number;
  /** Conditional claims in flight at once. */
  claimConcurrency: number;
  /** Claims per chunk; each chunk is queued before the next is claimed. */
  claimChunk: number;
  /** Queue batches (of SEND_BATCH jobs) in flight at once. */
  sendConcurrency: number;
  breaker: BreakerPolicy;
}

/** SQS SendMessageBatch takes at most 10 messages. */
const SEND_BATCH = 10;

export const DEFAULT_DISPATCH: DispatchOptions = {
  maxPerRun: 1000,
  spreadSeconds: 60,
  requestsPerMinute: LIMITS.garminRequestsPerMinute,
  requestsPerSync: LIMITS.estimatedRequestsPerSync,
  claimConcurrency: 16,
  claimChunk: 100,
  sendConcurrency: 4,
  breaker: DEFAULT_BREAKER,
};

export interface DispatchResult {
  claimed: number;
  /** Due connections another dispatcher claimed first. */
  lostClaims: number;
  /** Due connections seen but left for a later run: no budget (or breaker fraction) for them now. */
  leftForLater: number;
  breaker: BreakerState['state'];
  /** Garmin requests reserved in the budget for the claimed syncs. */
  reservedRequests: number;
}

interface Slot {
  segment: DelaySegment;
  free: number;
}

/** The oldest due connections of all shards together: a shard is never starved by another. */
const findCandidates = async (schedules: ScheduleStore, now: Date, cap: number): Promise<DueSchedule[]> => {
  const shards = Array.from({ length: LIMITS.dueShards }, (_, shard) => shard);
  const perShard = await Promise.all(shards.map((shard) => schedules.findDue(shard, now, cap)));
  return perShard
    .flat()
    .sort((a, b) => (a.nextSyncTime < b.nextSyncTime ? -1 : a.nextSyncTime > b.nextSyncTime ? 1 : a.userId < b.userId ? -1 : 1))
    .slice(0, cap);
};

/** Reserves budget for up to `wanted` syncs over the windows of `segments`; returns their slots. */
const reserveSlots = async (
  guard: GarminGuardStore,
  segments: DelaySegment[],
  wanted: number,
  limit: number,
  perSync: number,
): Promise<Slot[]> => {
  const spread = segments.reduce((sum, s) => sum + (s.to - s.from), 0);
  const slots = segments.map((segment) => ({ segment, free: 0 }));
  const reserve = async (slot: Slot, syncs: number): Promise<void> => {
    if (syncs <= 0 || limit < perSync) return;
    const granted = await guard.reserve(slot.segment.windowStart, syncs * perSync, limit, { partial: true });
    const whole = Math.floor(granted / perSync);
    // Part of a sync's share is of no use: give it back to the window.
    if (granted > whole * perSync) await guard.charge(slot.segment.windowStart, whole * perSync - granted);
    slot.free += whole;
  };
  // Each window its share of the syncs, by the share of the spread it covers …
  await Promise.all(slots.map((slot) => reserve(slot, Math.ceil((wanted * (slot.segment.to - slot.segment.from)) / spread))));
  // … and what a full window could not take, from the windows that still have room.
  for (const slot of slots) {
    const missing = wanted - slots.reduce((sum, s) => sum + s.free, 0);
    if (missing <= 0) break;
    await reserve(slot, missing);
  }
  return slots;
};

/** A slot drawn with probability proportional to its free syncs. */
const drawSlot = (slots: Slot[], random: () => number): Slot => {
  const total = slots.reduce((sum, s) => sum + s.free, 0);
  let pick = random() * total;
  for (const slot of slots) {
    if (slot.free === 0) continue;
    if (pick < slot.free) return slot;
    pick -= slot.free;
  }
  const last = slots.findLast((s) => s.free > 0);
  if (!last) throw new Error('no free dispatch slot');
  return last;
};

const mapConcurrent = async <T, R>(items: readonly T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker));
  return results;
};

export const dispatchDue = async (deps: DispatchDeps, options: Partial<DispatchOptions> = {}): Promise<DispatchResult> => {
  const opts = { ...DEFAULT_DISPATCH, ...options };
  const now = deps.clock.now();
  const breaker = breakerState(await deps.guard.readBreaker(), now, opts.breaker);
  const nothing: DispatchResult = { claimed: 0, lostClaims: 0, leftForLater: 0, breaker: breaker.state, reservedRequests: 0 };
  // Half-open lets only a fraction of the load through: of the run and of the budget.
  const cap = Math.floor(opts.maxPerRun * breaker.fraction);
  if (cap === 0) return nothing;
  const candidates = await findCandidates(deps.schedules, now, cap);
  if (candidates.length === 0) return nothing;

  const segments = delaySegments(now, opts.spreadSeconds);
  const slots = await reserveSlots(deps.guard, segments, candidates.length, Math.floor(opts.requestsPerMinute * breaker.fraction), opts.requestsPerSync);
  let free = Math.min(
    candidates.length,
    slots.reduce((sum, s) => sum + s.free, 0),
  );

  // The claim is the lease until one interval ahead, the due time left as it is: if the message
  // is lost or its worker crashes the user is claimed again once the lease ran out, and a worker
  // recognises its job by the lease's owner (a job whose lease was claimed again is skipped).
  const claimUntil = new Date(now.getTime() + LIMITS.syncIntervalSeconds * 1000).toISOString();
  let queued = 0;
  let lostClaims = 0;
  let next = 0;
  // Chunk by chunk, each queued as soon as it is claimed: workers start while dispatch goes on.
  while (free > 0 && next < candidates.length) {
    const batch = candidates.slice(next, next + Math.min(free, opts.claimChunk));
    next += batch.length;
    const owners = batch.map(() => deps.newId());
    const won = await mapConcurrent(
      batch.map((due, i) => ({ due, owner: owners[i] as string })),
      opts.claimConcurrency,
      ({ due, owner }) => deps.schedules.claim(due, owner, claimUntil, now),
    );
    const jobs: Array<SyncJob & { delaySeconds: number }> = [];
    batch.forEach(({ userId }, i) => {
      if (!won[i]) {
        lostClaims++;
        return;
      }
      const slot = drawSlot(slots, deps.random);
      slot.free--;
      free--;
      jobs.push({ userId, reason: 'scheduled', dueAt: claimUntil, claim: owners[i] as string, delaySeconds: jitterIn(slot.segment, deps.random) });
    });
    const sends = Array.from({ length: Math.ceil(jobs.length / SEND_BATCH) }, (_, i) => jobs.slice(i * SEND_BATCH, (i + 1) * SEND_BATCH));
    await mapConcurrent(sends, opts.sendConcurrency, (send) => deps.queue.enqueue(send));
    queued += jobs.length;
  }

  // Reservations not used (claims lost to another dispatcher, rounding) go back to their windows.
  await Promise.all(slots.filter((s) => s.free > 0).map((s) => deps.guard.charge(s.segment.windowStart, -s.free * opts.requestsPerSync)));
  return {
    claimed: queued,
    lostClaims,
    leftForLater: candidates.length - queued - lostClaims,
    breaker: breaker.state,
    reservedRequests: queued * opts.requestsPerSync,
  };
};
