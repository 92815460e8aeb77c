/**
 * One user's sync: lease, fetch limit, only-new-data plan, idempotent writes, rotated
 * tokens persisted first, cursors advanced only past stored data, and the connection's
 * next state (active, backing off, needs re-authentication) decided from what failed.
 *
 * The lease is the user's schedule item (ports ScheduleStore): taken by dispatch's claim (the
 * job carries its owner) or here, and ended by one write that also sets the next due time,
 * lastSyncTime, the probe's time and the fetch log. The connection item (tokens, cursors,
 * status) is written only when something in it changed.
 */
import { isDeepStrictEqual } from 'node:util';
import { type BridgeError, type FetchResult, fetchResultOf } from '../shared/bridge-protocol';
import { rateLimited } from '../shared/errors';
import { EventRecorder } from '../events/recorder';
import type { DataChanges } from '../events/rules';
import { LIMITS } from '../shared/limits';
import { addDays } from '../shared/local-time';
import {
  type ConnectionChanges,
  type ConnectionRecord,
  type GarminObject,
  type ScheduleEnd,
  type ScheduleRecord,
  type SyncJob,
  VersionConflictError,
  withScheduleOf,
} from '../shared/ports';
import { storedActivities } from '../shared/stored-activities';
import { sameContent } from './summary-finality';
import { nextSyncSeconds } from './cadence';
import { type FetchPlan, applyFetchResult, planFetch, plannedRequests, probeCursors, reconcileFrom, reconcileWindowStart } from './sync-plan';
import { CallLimits, fetchDecision, withFetch } from '../shared/call-limits';
import type { ServiceDeps } from '../shared/deps';
import { LOGIN_BLOCKED_MESSAGE, LoginGate } from '../connect/login-gate';
import { issuedTokenCursors, persistRotatedTokens } from '../connect/rotated-tokens';
import { SyncGuard, heldBack } from './sync-guard';
import { claimedRunMustStart } from './claimed-run';
import { storeWellness } from './wellness-sync';

export type SyncRunStatus = 'synced' | 'fresh' | 'in_progress' | 'deferred' | 'failed' | 'skipped' | 'not_connected';

export interface SyncRun {
  status: SyncRunStatus;
  activitiesWritten: number;
  dailySummariesWritten: number;
  profileUpdated: boolean;
  garminRequests: number;
  error?: { code: string; message: string };
  connection?: ConnectionRecord;
  /** What the sync added, rewrote and deleted (ids and dates), for the app's events. */
  dataChanges?: DataChanges;
}

/** A sync's changes of the connection, the schedule's fields included (save routes them). */
type Changes = ConnectionChanges & { nextSyncTime?: string; lastSyncTime?: string };

export interface SyncOptions {
  /** When the calling function is cut off (epoch ms, wall clock like every bridge deadline, never a test's clock). */
  deadlineMs?: number;
  /**
   * SQS delivered this job before: that attempt may have stored data and failed before it
   * announced it, so this one stores and announces everything it fetched, unchanged or not.
   */
  redelivery?: boolean;
}

/**
 * A bridge call inside a sync ends early enough for its last request and the storing of its
 * answer (LIMITS.syncFinishSeconds). A function with less than twice that left (only ever a
 * test's shortened one: checkSizing) still gives Garmin half of it, and its own timeout cuts it.
 */
const bridgeDeadline = ({ deadlineMs }: SyncOptions) => {
  if (deadlineMs === undefined) return {};
  const marginMs = Math.min(LIMITS.syncFinishSeconds * 1000, (deadlineMs - Date.now()) / 2);
  return { deadlineMs: Math.floor(deadlineMs - Math.max(0, marginMs)) };
};

const hasSecondsLeft = ({ deadlineMs }: SyncOptions, seconds: number): boolean =>
  deadlineMs === undefined || deadlineMs - Date.now() >= seconds * 1000;

const NOTHING = { activitiesWritten: 0, dailySummariesWritten: 0, profileUpdated: false, garminRequests: 0 };

const later = (now: Date, seconds: number): string => new Date(now.getTime() + seconds * 1000).toISOString();

/** Exponential backoff from the failure count, capped. */
export const backoffSeconds = (failures: number, floorSeconds = 0): number =>
  Math.max(floorSeconds, Math.min(LIMITS.backoffMaxSeconds, LIMITS.backoffBaseSeconds * 2 ** Math.max(0, failures - 1)));

/**
 * A refresh token dies after about 30 days without use, and only a sync uses it: however
 * long a backoff, the next sync comes before LIMITS.tokenKeepAliveSeconds without a refresh.
 */
export const keepTokensAlive = (connection: ConnectionRecord, next: string, now: Date): string => {
  const refreshedAt = Date.parse(connection.cursors.tokensRefreshedAt ?? connection.createdAt);
  const deadline = new Date(Math.max(now.getTime(), refreshedAt + LIMITS.tokenKeepAliveSeconds * 1000)).toISOString();
  return deadline < next ? deadline : next;
};

class ConnectionGoneError extends Error {
  static raise(): never {
    throw new ConnectionGoneError();
  }
}

/** [those that pass, those that do not]. */
const partition = <T>(items: T[], test: (item: T) => boolean): [T[], T[]] => [items.filter(test), items.filter((item) => !test(item))];

/** Equal as stored (JSON: undefined members are absent), whatever the key order. */
const sameStored = (a: unknown, b: unknown): boolean =>
  isDeepStrictEqual(a === undefined ? undefined : JSON.parse(JSON.stringify(a)), b === undefined ? undefined : JSON.parse(JSON.stringify(b)));

/** The changes that differ from `connection` (cursors compared without the probe's time, which is the schedule's). */
const changedFields = (connection: ConnectionRecord, changes: ConnectionChanges): ConnectionChanges => {
  const withoutProbe = (cursors: ConnectionRecord['cursors']) => ({ ...cursors, probedAt: undefined });
  return Object.fromEntries(
    Object.entries(changes).filter(([field, value]) =>
      field === 'cursors'
        ? !sameStored(withoutProbe(value as ConnectionRecord['cursors']), withoutProbe(connection.cursors))
        : !sameStored(value, connection[field as keyof ConnectionRecord]),
    ),
  ) as ConnectionChanges;
};

/** A sync's lease: its owner, the schedule under it, whether `start` was written; a claimed job's connection as read under it. */
interface Lease {
  owner: string;
  schedule: ScheduleRecord;
  started: boolean;
  connection?: ConnectionRecord | undefined;
}

/** Re-applying a sync's changes on concurrent writes of the same connection (a PATCH, a token save): a few rounds at most. */
const MAX_SAVE_ATTEMPTS = 5;

export class SyncService {
  /** The service-wide Garmin budget and breaker (absent in fakes that do not model them). */
  private readonly guard: SyncGuard;
  private readonly loginGate: LoginGate;
  private readonly limits: CallLimits;
  private readonly events: EventRecorder;

  constructor(private readonly deps: ServiceDeps) {
    this.events = new EventRecorder(deps);
    this.guard = new SyncGuard(deps.garminGuard);
    this.loginGate = new LoginGate(deps.garminGuard);
    this.limits = new CallLimits(deps.rateLimiter);
  }

  async run(job: SyncJob, options: SyncOptions = {}): Promise<SyncRun> {
    const { userId } = job;
    const now = this.deps.clock.now();
    // A manual sync looks first: it may be answered from storage without taking the lease.
    // Background jobs take the lease straight away and read once, under it (one read less per sync).
    let seen: ConnectionRecord | undefined;
    if (job.reason === 'manual') {
      seen = await this.deps.connections.get(userId);
      if (!seen) return { status: 'not_connected', ...NOTHING };
      if (!seen.isActive) return { status: 'skipped', ...NOTHING, connection: seen };
      const recent = seen.lastSyncTime && now.getTime() - Date.parse(seen.lastSyncTime) < LIMITS.manualSyncFreshnessSeconds * 1000;
      if (recent && !job.force) {
        return { status: 'fresh', ...NOTHING, connection: seen };
      }
    }
    const lease = await this.lease(job, now);
    if (lease === 'held') return { status: 'in_progress', ...NOTHING, ...(seen ? { connection: seen } : {}) };
    // A duplicate or stale delivery: its claim's lease has ended (the sync happened) or is another's.
    if (lease === 'stale') return { status: 'skipped', ...NOTHING };
    const end: ScheduleEnd = {};
    // Until the run ends (returns): a claimed job that fails keeps its lease for its redelivery.
    let ended = false;
    try {
      // Read again under the lease: a sync that just finished may have moved the cursors.
      const connection = 'connection' in lease ? lease.connection : await this.deps.connections.get(userId);
      if (!connection?.isActive) {
        // Nothing to sync until the user connects (again): a schedule left behind is dropped.
        end.nextSyncTime = null;
        ended = true;
        return { status: connection ? 'skipped' : 'not_connected', ...NOTHING };
      }
      const run = await this.syncUnderLease(job, connection, lease.schedule, end, now, options);
      if (run.connection && (run.status === 'synced' || run.status === 'failed')) await this.events.synced(connection, run.connection);
      ended = true;
      return run;
    } catch (error) {
      if (error instanceof ConnectionGoneError) {
        // The schedule is the new connection's now (or none): only the fetches this sync made are recorded.
        for (const field of ['nextSyncTime', 'lastSyncTime', 'probedAt'] as const) delete end[field];
        ended = true;
        return { status: 'not_connected', ...NOTHING };
      }
      throw error;
    } finally {
      // A claimed job that failed is redelivered by SQS and finds its claim still the lease (unless
      // dispatch claimed the user again); the fetch it made is not logged (at most one per failure).
      // Any other lease is released: the job's retry takes a new one.
      if (ended || job.claim === undefined) await this.deps.schedules.end(userId, lease.owner, end, { ...(lease.schedule.lookAt ? { lookAt: lease.schedule.lookAt } : {}), now });
      else if (lease.started) await this.deps.schedules.stop(userId, lease.owner);
    }
  }

  /**
   * The user's lease: a dispatched job's is its claim (still its own, or the job is stale), run
   * as claimed-run.ts says; any other job takes it now, unless someone holds it.
   */
  private async lease(job: SyncJob, now: Date): Promise<Lease | 'held' | 'stale'> {
    if (job.claim !== undefined) {
      // Still this claim's lease (even run out: nobody claimed the user since, as after a failed delivery).
      // One read of both items: the claim's lease and the connection under it.
      const { connection, schedule } = await this.deps.connections.getWithSchedule(job.userId);
      if (schedule?.lease?.owner !== job.claim) return 'stale';
      if (!claimedRunMustStart(schedule, connection, now)) return { owner: job.claim, schedule, connection, started: false };
      // No other delivery of the job running: this one runs it for a sync's time.
      const started = await this.deps.schedules.start(job.userId, job.claim, later(now, LIMITS.leaseTtlSeconds));
      return started ? { owner: job.claim, schedule: started, connection, started: true } : 'stale';
    }
    // Queued by a version whose claim was not a lease: that version's schedule is claimed again when due.
    if (job.dueAt !== undefined) return 'stale';
    const owner = this.deps.newId();
    const schedule = await this.deps.schedules.acquire(job.userId, owner, later(now, LIMITS.leaseTtlSeconds), now);
    return schedule ? { owner, schedule, started: false } : 'held';
  }

  private async syncUnderLease(
    job: SyncJob,
    connection: ConnectionRecord,
    schedule: ScheduleRecord,
    end: ScheduleEnd,
    now: Date,
    options: SyncOptions,
  ): Promise<SyncRun> {
    const { userId } = job;
    // The cursors know when the profile was stored; older connections read the profile item.
    const { profileFetchedAt } = connection.cursors;
    const profile = profileFetchedAt ? { profile: {}, fetchedAt: profileFetchedAt } : await this.deps.data.getProfile(userId);
    const reconcileStart = reconcileFrom(connection, now, job.force);
    const plan = planFetch(connection, profile, now, job.reason, reconcileStart, this.deps.backfillDays);
    // Service-wide first (breaker, budget): a sync held back there must not use up the user's own limit.
    const admission = await this.guard.admit(job, plannedRequests(plan), now);
    if (!admission.admitted) {
      if (job.reason === 'manual') throw heldBack(admission, now);
      const deferred = await this.save(connection, { nextSyncTime: admission.retryAt.toISOString() }, end);
      return { status: 'deferred', ...NOTHING, connection: deferred };
    }
    // Every fetch of this user happens under this lease: the log read with it is exact.
    const decision = fetchDecision(schedule.fetches, now);
    if (!decision.allowed) {
      await this.guard.release(admission);
      if (job.reason === 'manual') throw rateLimited(decision.retryAfterSeconds);
      // Over the limit is not a failure: the sync just happens later.
      const deferred = await this.save(connection, { nextSyncTime: later(now, decision.retryAfterSeconds) }, end);
      return { status: 'deferred', ...NOTHING, connection: deferred };
    }
    end.fetches = withFetch(schedule.fetches, now);
    const tokens = await this.deps.vault.decrypt(userId, 'tokens', connection.tokens);
    const response = await this.deps.bridge.call({ op: 'fetch', tokens, ...plan, ...bridgeDeadline(options) });
    await this.guard.settle(userId, admission, response.garminRequests, !response.ok && response.error.code === 'RATE_LIMITED', now);
    let current = connection;
    // First, before anything else can fail: Garmin has already burned the old refresh token.
    if (response.tokensChanged && response.tokens) {
      // Nothing of this sync is stored yet: a connection gone meanwhile just ends it.
      current = (await persistRotatedTokens(this.deps, current, response.tokens, now, response.tokensRefreshAt)) ?? ConnectionGoneError.raise();
    }
    const result = response.ok ? fetchResultOf(response) : response.partial;
    // The probe saw no upload: nothing else was fetched, there is nothing to store.
    const stopped = result?.probe?.stopped === true;
    const unchanged: Changes = {};
    const stored = result && !stopped ? await this.store(current, plan, result, now, options.redelivery === true) : { ...NOTHING, changes: unchanged, dataChanges: undefined };
    // Announced before the connection is saved: a failure from here on leaves the job to SQS, whose
    // redelivery announces again (duplicates, never a gap; apps treat data.changed as idempotent).
    if (stored.dataChanges) await this.events.dataChanged(userId, stored.dataChanges);
    const counts = {
      activitiesWritten: stored.activitiesWritten,
      dailySummariesWritten: stored.dailySummariesWritten,
      profileUpdated: stored.profileUpdated,
      garminRequests: response.garminRequests,
      ...(stored.dataChanges ? { dataChanges: stored.dataChanges } : {}),
    };
    if (response.ok) {
      const timeZone = stored.changes.timeZone ?? current.timeZone;
      const cursors = { ...(stored.changes.cursors ?? current.cursors), ...(result ? probeCursors(result, now, current.cursors, timeZone) : {}) };
      current = await this.save(current, {
        ...stored.changes,
        cursors,
        status: 'active',
        isActive: true,
        lastSyncTime: now.toISOString(),
        nextSyncTime: later(now, nextSyncSeconds(cursors, timeZone, now, schedule.lastReadAt)),
        consecutiveFailures: 0,
        lastError: undefined,
      }, end);
      if (!current.cursors.backfillDone) await this.deps.queue.enqueue([{ userId, reason: 'backfill' }]);
      return { status: 'synced', ...counts, connection: current };
    }
    const failure = await this.failureChanges(current, response.error, now, options);
    current = await this.save(current, { ...stored.changes, ...failure }, end);
    return { status: 'failed', ...counts, error: response.error, connection: current };
  }

  private async store(connection: ConnectionRecord, plan: FetchPlan, result: FetchResult, now: Date, rewrite: boolean) {
    const { userId } = connection;
    const timeZone = result.profile?.timeZone ?? connection.timeZone;
    // What is stored already is read back (one query each) and left alone: a refused
    // conditional put writes nothing but is billed like a write, a read costs a fifth of it.
    const searched = plan.activities && result.activities ? { from: plan.activities.startDate, ...result.activities } : undefined;
    const activities = searched ? await this.reconcileActivities(userId, searched, rewrite) : { written: 0, added: [], updated: [], deleted: [] };
    const activitiesWritten = activities.written;
    // A complete search back past the window leaves nothing older than a day unreconciled.
    const reconciled = searched?.complete === true && searched.from <= reconcileWindowStart(connection, now);
    const dates = (result.dailySummaries?.items ?? []).map((s) => s.date).sort();
    const first = dates[0];
    const last = dates.at(-1);
    const stored = new Map(
      first && last ? (await this.deps.data.queryDailySummaries(userId, first, last)).map((s) => [s.date, s] as const) : [],
    );
    // A day past the finality threshold is final only if unchanged since it was last stored.
    const applied = applyFetchResult(connection, plan, result, timeZone, now, stored);
    const changedSummaries = applied.summaries.filter((s) => {
      const before = stored.get(s.date);
      return rewrite || !before || before.final !== s.final || !sameContent(before.summary, s.summary);
    });
    const dailySummariesWritten = changedSummaries.length ? await this.deps.data.upsertDailySummaries(userId, changedSummaries) : 0;
    // Weight, hydration and sleep share the days' plan and finality (sync/wellness-days.ts).
    const wellness = await storeWellness(this.deps.data, userId, result, applied.summaries, rewrite);
    const [daysAdded, daysUpdated] = partition(changedSummaries.map((s) => s.date), (date) => !stored.has(date));
    if (result.profile) {
      const { basics, socialProfile, userSettings } = result.profile;
      const profile: GarminObject = { ...basics, timeZone: result.profile.timeZone, socialProfile, userSettings };
      await this.deps.data.putProfile(userId, profile, now);
    }
    const displayName = result.displayName ?? connection.displayName;
    return {
      activitiesWritten,
      dailySummariesWritten,
      profileUpdated: result.profile !== undefined,
      dataChanges: {
        activities: { added: activities.added, updated: activities.updated, deleted: activities.deleted },
        days: { added: daysAdded, updated: daysUpdated },
        wellness,
      } satisfies DataChanges,
      changes: {
        cursors: { ...applied.cursors, ...(reconciled ? { activitiesReconciledAt: now.toISOString() } : {}) },
        ...(displayName ? { displayName } : {}),
        ...(timeZone ? { timeZone } : {}),
      } satisfies Changes,
    };
  }

  /**
   * Makes storage match an activity search from `from` on: writes what is new or changed at
   * Garmin; when the search was complete, deletes what Garmin no longer has (the user deleted
   * it). A partial search proves nothing about what it did not reach, so it deletes nothing.
   */
  private async reconcileActivities(
    userId: string,
    searched: { from: string; items: GarminObject[]; complete: boolean },
    rewrite: boolean,
  ): Promise<{ written: number; added: string[]; updated: string[]; deleted: string[] }> {
    const stored = new Map((await storedActivities(this.deps.data, userId, searched.from)).map((a) => [a.activityId, a.activity] as const));
    const changed = searched.items.filter((activity) => {
      const before = stored.get(String(activity.activityId));
      return rewrite || !before || !sameContent(before, activity);
    });
    const written = changed.length ? await this.deps.data.upsertActivities(userId, changed) : 0;
    const [added, updated] = partition(changed.map((a) => String(a.activityId)), (id) => !stored.has(id));
    let deleted: string[] = [];
    if (searched.complete) {
      const present = new Set(searched.items.map((a) => String(a.activityId)));
      // Garmin's startDate and our local start may disagree about the first day (zones): leave it alone.
      const certain = addDays(searched.from, 1);
      const vanished = [...stored].filter(([id, a]) => !present.has(id) && String(a.startTimeLocal) >= certain).map(([id]) => id);
      if (vanished.length) await this.deps.data.deleteActivities(userId, vanished);
      deleted = vanished;
    }
    return { written, added, updated, deleted };
  }

  /** The connection's next state after a failed fetch. A rate limit never deactivates it. */
  private async failureChanges(connection: ConnectionRecord, error: BridgeError, now: Date, options: SyncOptions): Promise<Changes> {
    const failures = connection.consecutiveFailures + 1;
    const lastError = { code: error.code, message: error.message, at: now.toISOString() };
    const backOff = (floorSeconds = 0): Changes => ({
      status: 'backing_off',
      consecutiveFailures: failures,
      lastError,
      nextSyncTime: keepTokensAlive(connection, later(now, backoffSeconds(failures, floorSeconds)), now),
    });
    if (error.code === 'RATE_LIMITED') {
      return backOff(Math.max(error.retryAfterSeconds ?? 0, LIMITS.rateLimitedBackoffSeconds));
    }
    if (error.code !== 'TOKEN_REJECTED') return backOff();
    return this.relogin(connection, lastError, backOff, now, options);
  }

  /** Tokens refused: log in again with the stored password (rate-limited), else ask the user. */
  private async relogin(
    connection: ConnectionRecord,
    lastError: { code: string; message: string; at: string },
    backOff: (floorSeconds?: number) => Changes,
    now: Date,
    options: SyncOptions,
  ): Promise<Changes> {
    const needsReauth: Changes = { status: 'needs_reauth', isActive: false, nextSyncTime: undefined, lastError };
    if (!connection.password) return needsReauth;
    // A login the function could cut off would burn a login and maybe the tokens it obtained:
    // none is started then, and the next sync (due at once) logs in with a whole function's time.
    if (!hasSecondsLeft(options, LIMITS.syncReloginMinSeconds)) return { ...backOff(), nextSyncTime: now.toISOString() };
    const blockedError = { code: 'LOGIN_BLOCKED', message: LOGIN_BLOCKED_MESSAGE, at: now.toISOString() };
    const closedSeconds = await this.loginGate.closedForSeconds(now);
    if (closedSeconds > 0) return { ...backOff(closedSeconds), lastError: blockedError };
    const decision = await this.limits.login(connection.userId, connection.username, now);
    if (!decision.allowed) return backOff(decision.retryAfterSeconds);
    const password = await this.deps.vault.decrypt(connection.userId, 'password', connection.password);
    const login = await this.deps.bridge.call({ op: 'login', username: connection.username, password, ...bridgeDeadline(options) });
    // Tokens that arrived before the deadline are the account's new ones (the re-login needs nothing else).
    if (login.tokens && (login.ok || login.error.code === 'DEADLINE_REACHED')) {
      return {
        tokens: await this.deps.vault.encrypt(connection.userId, 'tokens', login.tokens),
        cursors: { ...connection.cursors, ...issuedTokenCursors(now, login.tokensRefreshAt) },
        status: 'active',
        isActive: true,
        consecutiveFailures: 0,
        lastError,
        // The data this sync missed is fetched at the next run, with the new tokens.
        nextSyncTime: now.toISOString(),
      };
    }
    if (login.ok) return backOff();
    switch (login.error.code) {
      case 'LOGIN_BLOCKED': {
        const until = await this.loginGate.blocked(now, login.error.retryAfterSeconds);
        return { ...backOff((until.getTime() - now.getTime()) / 1000), lastError: blockedError };
      }
      case 'RATE_LIMITED':
        await this.guard.reportRateLimited(connection.userId, now);
        return backOff(login.error.retryAfterSeconds ?? 0);
      case 'UPSTREAM_UNAVAILABLE':
      case 'LOGIN_INCOMPLETE':
      case 'DEADLINE_REACHED':
        return backOff(login.error.retryAfterSeconds ?? 0);
      default:
        return needsReauth;
    }
  }

  /**
   * The schedule's fields go to the lease's end; the connection item is written (optimistically,
   * re-applying the absolute changes to the latest record on a concurrent change) only with
   * what differs from it. Returns the connection as it will read once the lease ends.
   */
  private async save(connection: ConnectionRecord, changes: Changes, end: ScheduleEnd): Promise<ConnectionRecord> {
    const { nextSyncTime, lastSyncTime, ...rest } = changes;
    if ('nextSyncTime' in changes) end.nextSyncTime = nextSyncTime ?? null;
    if (lastSyncTime !== undefined) end.lastSyncTime = lastSyncTime;
    const probedAt = rest.cursors?.probedAt;
    if (probedAt !== undefined) end.probedAt = probedAt;
    const scheduled = (record: ConnectionRecord): ConnectionRecord => {
      const unscheduled = { ...record };
      delete unscheduled.nextSyncTime;
      const next = end.nextSyncTime === undefined ? record.nextSyncTime : (end.nextSyncTime ?? undefined);
      return {
        ...unscheduled,
        ...(next ? { nextSyncTime: next } : {}),
        ...(end.lastSyncTime ? { lastSyncTime: end.lastSyncTime } : {}),
        cursors: { ...record.cursors, ...(end.probedAt ? { probedAt: end.probedAt } : {}) },
      };
    };
    const changed = changedFields(connection, rest);
    if (Object.keys(changed).length === 0) return scheduled(connection);
    let base = connection;
    for (let attempt = 1; ; attempt++) {
      try {
        return scheduled(withScheduleOf(await this.deps.connections.update(base.userId, base.version, changed), base));
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt === MAX_SAVE_ATTEMPTS) throw error;
      }
      const latest = await this.deps.connections.get(connection.userId);
      if (!latest || (latest.generation ?? 0) !== (connection.generation ?? 0)) {
        // Disconnected, or another Garmin account connected, mid-sync: this sync's tokens,
        // cursors and data belong to a connection that is gone, and must not land on the
        // new one. No sync of the new one has started (this one holds the lease), so all
        // the partition holds is what this one wrote since the switch.
        await this.deps.data.deleteAllForUser(connection.userId);
        throw new ConnectionGoneError();
      }
      base = latest;
    }
  }
}
