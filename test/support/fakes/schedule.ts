/** The connection store's schedule alone (findDue, claimDue): what dispatch looks at. */
import { LIMITS } from '../../../functions/core/limits';
import type { ConnectionStore } from '../../../functions/core/ports';

/** The fakes' shard of a user (any stable spread over LIMITS.dueShards will do). */
export const shardOf = (userId: string): number => {
  let h = 0;
  for (const c of userId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % LIMITS.dueShards;
};

/** Only the schedule of each user: what findDue and claimDue look at. */
export class FakeSchedule implements Pick<ConnectionStore, 'findDue' | 'claimDue'> {
  readonly due = new Map<string, string>();
  claims = 0;
  /** Users whose claim another dispatcher wins (the condition fails). */
  readonly stolen = new Set<string>();

  constructor(users: Array<{ userId: string; nextSyncTime: string }> = []) {
    for (const u of users) this.due.set(u.userId, u.nextSyncTime);
  }

  async findDue(shard: number, now: Date, limit: number) {
    return [...this.due]
      .filter(([userId, next]) => shardOf(userId) === shard && next <= now.toISOString())
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

/** A seeded random source, so a test of randomised spreading is reproducible. */
export const seededRandom = (seed = 1): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
};
