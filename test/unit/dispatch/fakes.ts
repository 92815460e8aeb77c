/** In-memory fakes of the ports dispatch and the sync guard use. */
import type { BreakerRecord, ConnectionStore, GarminGuardStore, LoginBlock, SyncJob, SyncQueue } from '../../../functions/core/ports';
import { LIMITS } from '../../../functions/core/limits';

/** Only the schedule of each user: what findDue and claimDue look at. */
export class FakeSchedule implements Pick<ConnectionStore, 'findDue' | 'claimDue'> {
  readonly due = new Map<string, string>();
  claims = 0;
  /** Users whose claim another dispatcher wins (the condition fails). */
  readonly stolen = new Set<string>();

  constructor(users: Array<{ userId: string; nextSyncTime: string }> = []) {
    for (const u of users) this.due.set(u.userId, u.nextSyncTime);
  }

  shardOf(userId: string): number {
    let h = 0;
    for (const c of userId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    return h % LIMITS.dueShards;
  }

  async findDue(shard: number, now: Date, limit: number) {
    return [...this.due]
      .filter(([userId, next]) => this.shardOf(userId) === shard && next <= now.toISOString())
      .sort(([, a], [, b]) => (a < b ? -1 : 1))
      .slice(0, limit)
      .map(([userId, nextSyncTime]) => ({ userId, nextSyncTime }));
  }

  async claimDue(userId: string, expected: string, next: string): Promise<boolean> {
    await Promise.resolve();
    this.claims++;
    if (this.stolen.has(userId) || this.due.get(userId) !== expected) return false;
    this.due.set(userId, next);
    return true;
  }
}

export const asConnections = (schedule: FakeSchedule): ConnectionStore => schedule as unknown as ConnectionStore;

export class RecordingQueue implements SyncQueue {
  readonly jobs: Array<SyncJob & { delaySeconds?: number }> = [];
  async enqueue(jobs: Array<SyncJob & { delaySeconds?: number }>): Promise<void> {
    this.jobs.push(...jobs);
  }
}

/** The DynamoDB guard store's semantics, in memory (atomic because single-threaded). */
export class MemoryGuardStore implements GarminGuardStore {
  readonly windows = new Map<number, number>();
  breaker: BreakerRecord | undefined;
  readonly buckets = new Map<number, Set<string>>();
  loginBlock: LoginBlock | undefined;
  writes = 0;

  async readLoginBlock(): Promise<LoginBlock | undefined> {
    return this.loginBlock;
  }

  async writeLoginBlock(block: LoginBlock): Promise<void> {
    this.writes++;
    this.loginBlock = block;
  }

  async reserve(windowStart: Date, requests: number, limit: number, options: { partial?: boolean } = {}): Promise<number> {
    this.writes++;
    const used = this.windows.get(windowStart.getTime()) ?? 0;
    const granted = options.partial ? Math.max(0, Math.min(requests, limit - used)) : used + requests <= limit ? requests : 0;
    if (granted > 0) this.windows.set(windowStart.getTime(), used + granted);
    return granted;
  }

  async charge(windowStart: Date, requests: number): Promise<void> {
    this.writes++;
    this.windows.set(windowStart.getTime(), (this.windows.get(windowStart.getTime()) ?? 0) + requests);
  }

  async used(windowStart: Date): Promise<number> {
    return this.windows.get(windowStart.getTime()) ?? 0;
  }

  async readBreaker(): Promise<BreakerRecord | undefined> {
    return this.breaker;
  }

  async writeBreaker(record: BreakerRecord, expectedVersion: number | undefined): Promise<boolean> {
    if (this.breaker?.version !== expectedVersion) return false;
    this.breaker = record;
    return true;
  }

  async reportRateLimited(userId: string, bucketStart: Date, countBuckets: Date[]): Promise<number> {
    const bucket = this.buckets.get(bucketStart.getTime()) ?? new Set<string>();
    bucket.add(userId);
    this.buckets.set(bucketStart.getTime(), bucket);
    const users = new Set<string>();
    for (const b of countBuckets) for (const u of this.buckets.get(b.getTime()) ?? []) users.add(u);
    return users.size;
  }
}

/** A random source that is reproducible. */
export const seededRandom = (seed = 1): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
};
