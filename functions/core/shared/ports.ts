/**
 * The ports the services talk to. Adapters (functions/adapters) implement them over
 * DynamoDB, Secrets Manager, SQS, Lambda and the Python bridge; unit tests may fake them.
 */
import type { BridgeRequest, BridgeResponse } from './bridge-protocol';
import type { AppEvent } from '../events/schema';
import type { AttemptStatus, ConnectionStatus, SyncReason } from './statuses';
import type { SyncCursors } from './sync-cursors';
import type { ConnectionChanges, ConnectionError, ConnectionRecord, DataType, ScheduleField } from './connection-record';

export type { AttemptStatus, ConnectionChanges, ConnectionError, ConnectionRecord, ConnectionStatus, DataType, ScheduleField, SyncCursors, SyncReason };
export { DATA_TYPES } from './connection-record';

export interface Clock {
  now(): Date;
}

/** What writing a new connection is conditioned on. */
export interface ConnectionFence {
  /** The generation of the connection the writer read and replaces; undefined: it read none. */
  replaces: number | undefined;
  /** The connect attempt the connection comes from: it must still be running (a disconnect erases it). */
  attemptId?: string;
}

export class VersionConflictError extends Error {
  constructor(what: string) {
    super(`${what} was changed concurrently`);
    this.name = 'VersionConflictError';
  }
}

/** `updated` (what ConnectionStore.update returned) with the schedule's fields of `read`, which an update never changes. */
export const withScheduleOf = (updated: ConnectionRecord, read: ConnectionRecord): ConnectionRecord => {
  const record: ConnectionRecord = { ...updated, cursors: { ...updated.cursors } };
  delete record.nextSyncTime;
  delete record.lastSyncTime;
  delete record.cursors.probedAt;
  return {
    ...record,
    ...(read.nextSyncTime ? { nextSyncTime: read.nextSyncTime } : {}),
    ...(read.lastSyncTime ? { lastSyncTime: read.lastSyncTime } : {}),
    cursors: { ...record.cursors, ...(read.cursors.probedAt ? { probedAt: read.cursors.probedAt } : {}) },
  };
};

export interface ConnectionStore {
  /** The connection with its schedule's fields (nextSyncTime, lastSyncTime, cursors.probedAt) as its schedule holds them. */
  get(userId: string): Promise<ConnectionRecord | undefined>;
  /** The same read, with the schedule record beside it (its lease, fetch log): what a claimed sync starts from. */
  getWithSchedule(userId: string): Promise<{ connection?: ConnectionRecord; schedule?: ScheduleRecord }>;
  /**
   * Creates or replaces the user's connection (a reconnect replaces it) and schedules it at
   * `record.nextSyncTime`, in one transaction. With a fence, only if it holds; false when it
   * did not (nothing was written).
   */
  put(record: ConnectionRecord, fence?: ConnectionFence): Promise<boolean>;
  /**
   * Applies changes to the connection item if its version is `expectedVersion`; returns its new
   * record (schedule fields unspecified: withScheduleOf) or throws VersionConflictError.
   */
  update(userId: string, expectedVersion: number, changes: ConnectionChanges): Promise<ConnectionRecord>;
  /** Deletes the connection and unschedules it (a running sync keeps its lease but reschedules nobody; the fetch log stays). */
  delete(userId: string): Promise<boolean>;
}

/** One user's schedule: due time, lease, fetch log and what every sync moves (tables.ts, the schedule item). */
export interface ScheduleRecord {
  userId: string;
  /** When the next sync is due (ISO); absent when not scheduled. */
  nextSyncTime?: string;
  /** When dispatch next looks at it (the due index's key, adapters/dynamo/schedule-store.ts); at or before nextSyncTime. */
  lookAt?: string;
  lastSyncTime?: string;
  /** When the last probe ran (SyncCursors.probedAt): moves on every probe, so it is kept here. */
  probedAt?: string;
  /** Who holds the lease (a dispatch claim, a manual sync, a write) and until when (ISO). */
  lease?: { owner: string; until: string };
  /** Epoch ms of the user's Garmin fetches and writes (services/call-limits.ts), oldest first; may hold expired ones. */
  fetches: number[];
  /** When the app last read the user's data, as recorded (at most once per LIMITS.cadenceReadWindowSeconds). */
  lastReadAt?: string;
}

/** How a lease ends: the schedule's new fields (absent: unchanged; nextSyncTime null: unscheduled) and the fetch log. */
export interface ScheduleEnd {
  nextSyncTime?: string | null;
  lastSyncTime?: string;
  probedAt?: string;
  /** The whole log, when this lease added to it (pruned to the window by the caller). */
  fetches?: number[];
}

/** The schedule as a lease found it (its index key) and the time of its end: the store moves the index only when that saves reads. */
export interface ScheduleSeen {
  lookAt?: string;
  now: Date;
}

/** An app read pulls the due time forward to `to`; `lookAt` as the read's look found it. */
export interface SchedulePull {
  to: string;
  lookAt?: string;
}

/** A due user found by dispatch; `legacy`: still scheduled on a connection item an older version wrote. */
export interface DueSchedule {
  userId: string;
  nextSyncTime: string;
  legacy?: boolean;
}

export interface ScheduleStore {
  /** Strongly consistent unless `eventual` (half the read cost, for a look whose write is conditioned anyway). */
  get(userId: string, options?: { eventual?: boolean }): Promise<ScheduleRecord | undefined>;
  /** Schedules of one shard due at or before `now` and without a live lease (claimable), oldest first. */
  findDue(shard: number, now: Date, limit: number): Promise<DueSchedule[]>;
  /**
   * The dispatch claim, which is the lease: if the due time is still `due.nextSyncTime` and no
   * lease is live, `owner` holds the lease until `until`; the due time stays (findDue may return
   * the user meanwhile, and its claim is refused until the lease runs out: a crashed worker's user
   * is claimed again then). A legacy schedule is moved into the schedule item.
   */
  claim(due: DueSchedule, owner: string, until: string, now: Date): Promise<boolean>;
  /** Takes the lease if none is live (a manual sync, a write, a backfill chunk): the schedule under it, or undefined. */
  acquire(userId: string, owner: string, until: string, now: Date): Promise<ScheduleRecord | undefined>;
  /**
   * A worker starts the job of dispatch's claim `owner`, when the run needs it (core/sync/claimed-run.ts):
   * if the lease is still that claim's (even run out: nobody claimed the user since) and no delivery of
   * the job runs, it runs until `until`; the schedule under it, or undefined (a duplicate running, or a stale job).
   */
  start(userId: string, owner: string, until: string): Promise<ScheduleRecord | undefined>;
  /** The run `start` began failed: the claim stays the lease, for SQS's redelivery of the job. */
  stop(userId: string, owner: string): Promise<void>;
  /**
   * Releases `owner`'s lease with the schedule's new fields, in one write; false when the lease
   * was no longer its own, or the user disconnected meanwhile (then only the lease and the fetch log are written).
   */
  end(userId: string, owner: string, end: ScheduleEnd, seen?: ScheduleSeen): Promise<boolean>;
  /**
   * The app read the user's data: records the read unless one was recorded since `readSince`
   * (at most one write per user and window), while the user is scheduled; with `pull`, only
   * if no lease is live and the due time is later, which then moves to `pull.to`. False: nothing written.
   */
  recordRead(userId: string, readSince: string, now: Date, pull?: SchedulePull): Promise<boolean>;
}

export interface AttemptRecord {
  userId: string;
  attemptId: string;
  status: AttemptStatus;
  /** Vault ciphertext of {username,password}; removed when the attempt ends. */
  credentials?: string;
  rememberPassword: boolean;
  error?: { code: string; message: string };
  mfaOutcome?: 'accepted' | 'invalid';
  mfaOutcomeCodeId?: string;
  /** MFA codes posted so far. */
  mfaSubmissions: number;
  createdAt: string;
  /** Epoch seconds (DynamoDB TTL). */
  expiresAt: number;
}

export interface AttemptStore {
  create(attempt: AttemptRecord): Promise<void>;
  /** Strongly consistent; undefined when absent or expired. */
  get(userId: string, attemptId: string, now: Date): Promise<AttemptRecord | undefined>;
  /**
   * Posts an MFA code to the mailbox and counts it: false unless the attempt is waiting for
   * one and has taken fewer than `maxSubmissions` codes.
   */
  submitMfaCode(userId: string, attemptId: string, code: string, codeId: string, maxSubmissions: number): Promise<boolean>;
  /** Ends the attempt (unless it has ended already) and erases its credentials and any unread code. */
  finish(userId: string, attemptId: string, status: 'connected' | 'failed', error?: { code: string; message: string }): Promise<void>;
  /** Erases every attempt of the user; `running`: how many had not ended yet. */
  deleteAllForUser(userId: string, now: Date): Promise<{ deleted: number; running: number }>;
}

export type GarminObject = Record<string, unknown>;

export interface DailySummaryInput {
  date: string;
  summary: GarminObject;
  /** Final once the day is over in the user's time zone; provisional summaries are fetched again. */
  final: boolean;
}

export interface StoredActivity {
  activityId: string;
  startTimeLocal: string;
  startTimeGmt: string;
  activity: GarminObject;
}

export interface StoredDailySummary {
  date: string;
  final: boolean;
  summary: GarminObject;
}

/** Synced per local day next to the daily summaries: the day's weigh-ins, hydration, or the night that ended that morning. */
export const WELLNESS_KINDS = ['weight', 'hydration', 'sleep'] as const;
export type WellnessKind = (typeof WELLNESS_KINDS)[number];

/** One day of one wellness kind, as Garmin gave it; final with the day's summary (same rules). */
export interface WellnessDay {
  date: string;
  final: boolean;
  garmin: GarminObject;
}

export interface StoredProfile {
  profile: GarminObject;
  fetchedAt: string;
}

export interface ActivityQuery {
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not valid for this query');
    this.name = 'InvalidCursorError';
  }
}

export interface DataStore {
  /** Idempotent by activity id; unchanged items are not rewritten. Returns how many items were written. */
  upsertActivities(userId: string, activities: GarminObject[]): Promise<number>;
  /** Removes activities Garmin no longer has (deleted by the user). */
  deleteActivities(userId: string, activityIds: string[]): Promise<number>;
  upsertDailySummaries(userId: string, summaries: DailySummaryInput[]): Promise<number>;
  putProfile(userId: string, profile: GarminObject, fetchedAt: Date): Promise<void>;
  getProfile(userId: string): Promise<StoredProfile | undefined>;
  /** Newest first; `from`/`to` are local dates, inclusive. Throws InvalidCursorError for a foreign or forged cursor. */
  queryActivities(userId: string, query: ActivityQuery): Promise<{ items: StoredActivity[]; nextCursor?: string }>;
  queryDailySummaries(userId: string, from: string, to: string): Promise<StoredDailySummary[]>;
  /** Idempotent per kind and date, with the daily summaries' finality rule; returns how many items were written. */
  upsertWellnessDays(userId: string, kind: WellnessKind, days: WellnessDay[]): Promise<number>;
  queryWellnessDays(userId: string, kind: WellnessKind, from: string, to: string): Promise<WellnessDay[]>;
  deleteAllForUser(userId: string): Promise<number>;
}

/** What a write answered, kept under its Idempotency-Key so a retry gets the same answer. */
export interface WriteOutcome {
  status: number;
  body: GarminObject;
}

/** A key claimed before: what it was claimed for (a hash of user, route and body) and, once done, its answer. */
export interface IdempotencyRecord {
  fingerprint: string;
  outcome?: WriteOutcome;
}

export interface IdempotencyStore {
  /** Claims the user's key for a write; undefined when claimed now, else what holds it (never overwritten). */
  claim(userId: string, key: string, fingerprint: string, now: Date): Promise<IdempotencyRecord | undefined>;
  /** Keeps the write's answer for its retries. */
  complete(userId: string, key: string, outcome: WriteOutcome): Promise<void>;
  /** Frees a key whose write never reached Garmin, so a retry may do it. */
  release(userId: string, key: string): Promise<void>;
}

/** Who a sliding log of calls counts: an app user, a Garmin account (a hash of its username), or the whole service. */
export type RateScope = 'user' | 'garmin_account' | 'service';

/** One log of calls. The rules (which logs a call counts in, how many it may hold) are the core's (services/call-limits.ts). */
export interface RateLogKey {
  scope: RateScope;
  /** The user id, the Garmin account's hash, or a fixed name for the service. */
  subject: string;
  /** (A user's fetches are logged in their schedule: ScheduleRecord.fetches.) */
  kind: 'auth' | 'login';
}

export interface RateRule {
  limit: number;
  windowSeconds: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Atomically records one call if the log holds fewer than `rule.limit` calls within the sliding window. */
  take(key: RateLogKey, rule: RateRule, now: Date): Promise<RateDecision>;
  /** Looks without recording. */
  peek(key: RateLogKey, rule: RateRule, now: Date): Promise<RateDecision>;
}

/** What the per-user API throttle counts separately: reads (GET) and changes (everything else). */
export type ApiRequestKind = 'read' | 'change';

/** Fixed-window counters of a user's API requests (the rule is core/shared/request-throttle.ts). */
export interface RequestCounter {
  /**
   * Atomically counts one request of `kind` in the user's window starting at `windowStart`,
   * unless the window holds `limit` already: then it counts nothing and answers false.
   */
  take(userId: string, kind: ApiRequestKind, windowStart: Date, windowSeconds: number, limit: number): Promise<boolean>;
}

/**
 * The circuit breaker's stored state. Only trips are written: the way back (open →
 * half-open → closed) follows from the times, so it needs no writes (functions/core/sync/breaker.ts).
 */
export interface BreakerRecord {
  /** When it last tripped (opened). */
  openedAt: string;
  /** End of the open period: half-open from here. */
  reopenAt: string;
  /** Consecutive trips without closing fully in between (doubles the cool-down). */
  trips: number;
  /** Optimistic concurrency: incremented by every write. */
  version: number;
}

/** Garmin's SSO refuses this service's logins until `until`; `strikes` blocks in a row lengthen the next. */
export interface LoginBlock {
  until: string;
  strikes: number;
}

/** Shared state of the service-wide Garmin protection: a per-minute request budget, a circuit breaker, the login block. */
export interface GarminGuardStore {
  readLoginBlock(): Promise<LoginBlock | undefined>;
  /** Replaces the login block (last writer wins: every writer saw the same refusal). */
  writeLoginBlock(block: LoginBlock, expiresAt: Date): Promise<void>;
  /**
   * Atomically adds up to `requests` to the count of the minute window starting at
   * `windowStart`, never past `limit`; returns how many were added (0..requests). Without
   * `partial` it adds all or nothing.
   */
  reserve(windowStart: Date, requests: number, limit: number, options?: { partial?: boolean }): Promise<number>;
  /** Adds `requests` (negative: gives back) unconditionally: usage that already happened or a reservation not used. */
  charge(windowStart: Date, requests: number): Promise<void>;
  /** Requests counted in the window so far. */
  used(windowStart: Date): Promise<number>;
  readBreaker(): Promise<BreakerRecord | undefined>;
  /** Replaces the breaker if its version is still `expectedVersion` (undefined: none stored); false on a lost race. */
  writeBreaker(record: BreakerRecord, expectedVersion: number | undefined, expiresAt: Date): Promise<boolean>;
  /**
   * Records that Garmin answered `userId` with 429 in the report bucket starting at
   * `bucketStart`, and returns the distinct users so reported in the given buckets together.
   */
  reportRateLimited(userId: string, bucketStart: Date, countBuckets: Date[], expiresAt: Date): Promise<number>;
}

export type VaultPurpose = 'password' | 'tokens' | 'attempt-credentials';

export interface Vault {
  encrypt(userId: string, purpose: VaultPurpose, plaintext: string): Promise<string>;
  /** Throws if the ciphertext was not made for this user and purpose, or was tampered with. */
  decrypt(userId: string, purpose: VaultPurpose, ciphertext: string): Promise<string>;
}

export interface GarminBridge {
  call(request: BridgeRequest): Promise<BridgeResponse>;
  /**
   * Runs `work` (one SQS record's sync) as one of the syncs whose fetches a batching bridge
   * sends together: it sends them once every such sync still running is waiting on it.
   */
  during?<T>(work: () => Promise<T>): Promise<T>;
}

export interface SyncJob {
  userId: string;
  reason: SyncReason;
  /** Set by dispatch: the due time its claim set (the lease's end). */
  dueAt?: string;
  /** Set by dispatch: the lease owner of its claim, so a duplicate or stale delivery is recognised. */
  claim?: string;
  /** A manual sync that skips the freshness shortcut and reconciles recent activities with Garmin now. */
  force?: boolean;
}

export interface SyncQueue {
  enqueue(jobs: Array<SyncJob & { delaySeconds?: number }>): Promise<void>;
}

export interface ConnectJob {
  userId: string;
  attemptId: string;
}

export interface ConnectWorkerInvoker {
  /** Starts the connect worker asynchronously (Lambda Event invoke when deployed). */
  start(job: ConnectJob): Promise<void>;
}

/** A change-feed position older than the feed keeps: the app must re-read in full. */
export class FeedCursorExpiredError extends Error {
  constructor() {
    super('cursor is older than the change feed keeps');
    this.name = 'FeedCursorExpiredError';
  }
}

/**
 * Where the services' events go (functions/core/events): appended to the user's change
 * feed in order, then handed to webhook delivery when one is configured.
 */
export interface EventSink {
  /** Appends one user's events, in this order, after everything appended before. */
  publish(userId: string, events: AppEvent[]): Promise<void>;
  /** Erases the user's feed (a disconnect erases everything of theirs); positions stay increasing. */
  erase(userId: string): Promise<void>;
}

export interface EventFeed {
  /**
   * The user's events after `cursor` (from the oldest kept without one), oldest first.
   * `nextCursor` continues after the last item (or stays put when there is none).
   * InvalidCursorError for a foreign or forged cursor, FeedCursorExpiredError for one
   * older than the feed keeps.
   */
  read(userId: string, query: { cursor?: string; limit: number }, now: Date): Promise<{ items: AppEvent[]; nextCursor: string }>;
}
