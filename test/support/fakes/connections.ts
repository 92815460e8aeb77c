/**
 * The connection store in memory: versioned updates, fenced puts; with a schedule store, the
 * schedule's fields live there as in DynamoDB (get merges them, put and delete write them).
 */
import {
  type ConnectionChanges,
  type ConnectionFence,
  type ConnectionRecord,
  type ConnectionStore,
  type ScheduleRecord,
  VersionConflictError,
} from '../../../functions/core/shared/ports';
import type { MemoryAttemptStore } from './attempts';
import type { MemoryScheduleStore } from './schedules';

type Changes = ConnectionChanges;

export class MemoryConnectionStore implements ConnectionStore {
  readonly records = new Map<string, ConnectionRecord>();
  /**
   * Concurrent writers (a sync, a disconnect, a reconnect), one run just before each update in
   * turn: each gets the stored record and returns what replaces it (undefined: deleted).
   */
  readonly races: Array<(stored: ConnectionRecord) => ConnectionRecord | undefined> = [];
  /** Every update applied, in order. */
  readonly updates: Array<{ userId: string; changes: Changes }> = [];

  /** `attempts`: what a put fenced on a connect attempt checks (the attempt must still be running). */
  constructor(
    private readonly attempts?: MemoryAttemptStore,
    private readonly schedules?: MemoryScheduleStore,
  ) {}

  async getWithSchedule(userId: string): Promise<{ connection?: ConnectionRecord; schedule?: ScheduleRecord }> {
    const connection = await this.get(userId);
    const schedule = await this.schedules?.get(userId);
    return { ...(connection ? { connection } : {}), ...(schedule ? { schedule } : {}) };
  }

  async get(userId: string): Promise<ConnectionRecord | undefined> {
    const record = this.records.get(userId);
    if (!record) return undefined;
    const schedule = this.schedules?.records.get(userId);
    if (!schedule) return structuredClone(record);
    const rest = structuredClone(record);
    delete rest.nextSyncTime;
    delete rest.lastSyncTime;
    return {
      ...rest,
      ...(schedule.nextSyncTime ? { nextSyncTime: schedule.nextSyncTime } : {}),
      ...(schedule.lastSyncTime ? { lastSyncTime: schedule.lastSyncTime } : {}),
      cursors: { ...rest.cursors, ...(schedule.probedAt ? { probedAt: schedule.probedAt } : {}) },
    };
  }

  async put(record: ConnectionRecord, fence?: ConnectionFence): Promise<boolean> {
    const current = this.records.get(record.userId);
    // As the DynamoDB store: replacing none needs none stored; a record without a generation counts as 0.
    if (fence && (fence.replaces === undefined ? current !== undefined : (current?.generation ?? 0) !== fence.replaces || !current)) return false;
    if (fence?.attemptId !== undefined) {
      const status = this.attempts?.attempts.get(`${record.userId}#${fence.attemptId}`)?.status;
      if (status !== 'pending' && status !== 'mfa_required') return false;
    }
    if (this.schedules) {
      const { nextSyncTime, lastSyncTime, ...connection } = structuredClone(record);
      this.records.set(record.userId, connection);
      this.schedules.schedule(record.userId, { nextSyncTime, lastSyncTime, probedAt: record.cursors.probedAt });
    } else this.records.set(record.userId, structuredClone(record));
    return true;
  }

  async update(userId: string, expectedVersion: number, changes: Changes): Promise<ConnectionRecord> {
    const race = this.races.shift();
    const before = this.records.get(userId);
    if (race && before) {
      const raced = race(structuredClone(before));
      if (raced) this.records.set(userId, raced);
      else this.records.delete(userId);
    }
    const current = this.records.get(userId);
    if (!current || current.version !== expectedVersion) throw new VersionConflictError('connection');
    // An undefined value removes the attribute, as the DynamoDB adapter does.
    const next: ConnectionRecord = { ...current, version: current.version + 1 };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) delete (next as unknown as Record<string, unknown>)[key];
      else (next as unknown as Record<string, unknown>)[key] = structuredClone(value);
    }
    this.records.set(userId, next);
    this.updates.push({ userId, changes });
    return structuredClone(next);
  }

  async delete(userId: string): Promise<boolean> {
    this.schedules?.unschedule(userId);
    return this.records.delete(userId);
  }

  /** Stores an active connection due at `nextSyncTime`: what dispatch looks for. */
  due(userId: string, nextSyncTime: string): void {
    this.records.set(userId, {
      userId,
      username: `${userId}@example.com`,
      tokens: 'sealed',
      isActive: true,
      status: 'active',
      consecutiveFailures: 0,
      cursors: {},
      createdAt: nextSyncTime,
      version: 1,
    });
    this.schedules?.due(userId, nextSyncTime);
  }
}
