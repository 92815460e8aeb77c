/** The connection store in memory: versioned updates, fenced puts, the due schedule. */
import {
  type ConnectionFence,
  type ConnectionRecord,
  type ConnectionStore,
  VersionConflictError,
} from '../../../functions/core/shared/ports';
import type { MemoryAttemptStore } from './attempts';
import { shardOf } from './schedule';

type Changes = Parameters<ConnectionStore['update']>[2];

export class MemoryConnectionStore implements ConnectionStore {
  readonly records = new Map<string, ConnectionRecord>();
  /**
   * Concurrent writers (a sync, a disconnect, a reconnect), one run just before each update in
   * turn: each gets the stored record and returns what replaces it (undefined: deleted).
   */
  readonly races: Array<(stored: ConnectionRecord) => ConnectionRecord | undefined> = [];
  /** Dispatch claims tried, won or not. */
  claims = 0;
  /** Users whose claim another dispatcher wins (the condition fails). */
  readonly stolen = new Set<string>();
  /** Every update applied, in order. */
  readonly updates: Array<{ userId: string; changes: Changes }> = [];

  /** `attempts`: what a put fenced on a connect attempt checks (the attempt must still be running). */
  constructor(private readonly attempts?: MemoryAttemptStore) {}

  async get(userId: string): Promise<ConnectionRecord | undefined> {
    const record = this.records.get(userId);
    return record && structuredClone(record);
  }

  async put(record: ConnectionRecord, fence?: ConnectionFence): Promise<boolean> {
    const current = this.records.get(record.userId);
    // As the DynamoDB store: replacing none needs none stored; a record without a generation counts as 0.
    if (fence && (fence.replaces === undefined ? current !== undefined : (current?.generation ?? 0) !== fence.replaces || !current)) return false;
    if (fence?.attemptId !== undefined) {
      const status = this.attempts?.attempts.get(`${record.userId}#${fence.attemptId}`)?.status;
      if (status !== 'pending' && status !== 'mfa_required') return false;
    }
    this.records.set(record.userId, structuredClone(record));
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
    return this.records.delete(userId);
  }

  async findDue(shard: number, now: Date, limit: number): Promise<Array<{ userId: string; nextSyncTime: string }>> {
    return [...this.records.values()]
      .flatMap((r) => (r.nextSyncTime && r.nextSyncTime <= now.toISOString() && shardOf(r.userId) === shard ? [{ userId: r.userId, nextSyncTime: r.nextSyncTime }] : []))
      .sort((a, b) => (a.nextSyncTime < b.nextSyncTime ? -1 : 1))
      .slice(0, limit);
  }

  async claimDue(userId: string, expected: string, next: string): Promise<boolean> {
    // A turn of the event loop, as a network call gives: concurrent dispatchers interleave here.
    await Promise.resolve();
    this.claims++;
    const current = this.records.get(userId);
    if (this.stolen.has(userId) || current?.nextSyncTime !== expected) return false;
    this.records.set(userId, { ...current, nextSyncTime: next, version: current.version + 1 });
    return true;
  }

  /** Stores an active connection due at `nextSyncTime`: what dispatch looks for. */
  due(userId: string, nextSyncTime: string): void {
    this.records.set(userId, {
      userId,
      username: `${userId}@example.com`,
      tokens: 'sealed',
      isActive: true,
      status: 'active',
      nextSyncTime,
      consecutiveFailures: 0,
      cursors: {},
      createdAt: nextSyncTime,
      version: 1,
    });
  }
}
