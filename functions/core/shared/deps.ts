import type {
  AttemptStore,
  Clock,
  ConnectionStore,
  ConnectWorkerInvoker,
  DataStore,
  EventFeed,
  EventSink,
  GarminBridge,
  GarminGuardStore,
  IdempotencyStore,
  RateLimiter,
  RequestCounter,
  ScheduleStore,
  SyncQueue,
  Vault,
} from './ports';
import type { ApiRequestLimits } from './request-throttle';

/** Everything the services need from the outside world. */
export interface ServiceDeps {
  clock: Clock;
  connections: ConnectionStore;
  attempts: AttemptStore;
  data: DataStore;
  /** Per user: due time, lease, fetch log (the schedule item). */
  schedules: ScheduleStore;
  /** Idempotency-Keys of writes (POST /garmin/weight, /hydration). */
  idempotency: IdempotencyStore;
  /** Sliding logs of logins and authentication calls (call-limits.ts decides which and how many). */
  rateLimiter: RateLimiter;
  /** The service-wide Garmin protection (all users together): minute budget, circuit breaker, login block. */
  garminGuard: GarminGuardStore;
  /** The per-user API throttle's counters (request-throttle.ts). */
  requestCounter: RequestCounter;
  vault: Vault;
  bridge: GarminBridge;
  queue: SyncQueue;
  connectWorker: ConnectWorkerInvoker;
  /** Events for the app (change feed, webhooks); optional so fakes that do not look at them need none. */
  events?: EventSink;
  /** The change feed's read side (GET /garmin/changes). */
  feed?: EventFeed;
  /** The per-user API throttle's limits: LIMITS.apiRequestsPerWindow unless the local runtime sets others. */
  apiRequestLimits?: ApiRequestLimits;
  /** How many days back a new connection's backfill reaches: LIMITS.backfillDays unless a test or the benchmark sets another. */
  backfillDays?: number;
  newId(): string;
  /** Pause between polls of a bounded wait (real timers in production). */
  pause(ms: number): Promise<void>;
}

export const POLL_INTERVAL_MS = 250;

/** Polls `check` until it returns a value or `timeoutMs` passes. */
export const pollUntil = async <T>(
  deps: Pick<ServiceDeps, 'clock' | 'pause'>,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T | undefined> => {
  const deadline = deps.clock.now().getTime() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined || deps.clock.now().getTime() >= deadline) return value;
    await deps.pause(POLL_INTERVAL_MS);
  }
};
