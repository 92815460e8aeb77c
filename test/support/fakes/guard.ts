/** The DynamoDB guard store (service-wide Garmin budget, breaker, login block), in memory. */
import type { BreakerRecord, GarminGuardStore, LoginBlock } from '../../../functions/core/shared/ports';

/** Atomic because single-threaded. */
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

