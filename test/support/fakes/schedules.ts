/** The schedule store in memory: due times by shard, the claim that is the lease, the fetch log. */
import type { DueSchedule, ScheduleEnd, SchedulePull, ScheduleRecord, ScheduleStore } from '../../../functions/core/shared/ports';
import { shardOf } from './schedule';

const live = (record: ScheduleRecord | undefined, now: Date): boolean => record?.lease !== undefined && record.lease.until >= now.toISOString();

export class MemoryScheduleStore implements ScheduleStore {
  readonly records = new Map<string, ScheduleRecord>();
  /** Dispatch claims tried, won or not. */
  claims = 0;
  /** Users whose claim another dispatcher wins (the condition fails). */
  readonly stolen = new Set<string>();
  /** Every write that changed a schedule (claims, acquisitions, ends, reads recorded), in order. */
  readonly writes: Array<{ userId: string; op: 'claim' | 'acquire' | 'start' | 'end' | 'read' | 'put' | 'delete' }> = [];

  async get(userId: string): Promise<ScheduleRecord | undefined> {
    const record = this.records.get(userId);
    return record && structuredClone(record);
  }

  async findDue(shard: number, now: Date, limit: number): Promise<DueSchedule[]> {
    return [...this.records.values()]
      .flatMap((r) =>
        r.nextSyncTime && r.nextSyncTime <= now.toISOString() && shardOf(r.userId) === shard && !live(r, now) ? [{ userId: r.userId, nextSyncTime: r.nextSyncTime }] : [],
      )
      .sort((a, b) => (a.nextSyncTime < b.nextSyncTime ? -1 : 1))
      .slice(0, limit);
  }

  async claim(due: DueSchedule, owner: string, until: string, now: Date): Promise<boolean> {
    // A turn of the event loop, as a network call gives: concurrent dispatchers interleave here.
    await Promise.resolve();
    this.claims++;
    const current = this.records.get(due.userId);
    if (this.stolen.has(due.userId) || !current || current.nextSyncTime !== due.nextSyncTime || live(current, now)) return false;
    this.records.set(due.userId, { ...current, lease: { owner, until } });
    this.started.delete(due.userId);
    this.writes.push({ userId: due.userId, op: 'claim' });
    return true;
  }

  async acquire(userId: string, owner: string, until: string, now: Date): Promise<ScheduleRecord | undefined> {
    const current = this.records.get(userId) ?? { userId, fetches: [] };
    if (live(current, now)) return undefined;
    const taken = { ...current, lease: { owner, until } };
    this.started.delete(userId);
    this.records.set(userId, taken);
    this.writes.push({ userId, op: 'acquire' });
    return structuredClone(taken);
  }

  /** Users whose claim's job a worker runs (the store's `lease_started`). */
  readonly started = new Set<string>();

  async start(userId: string, owner: string, until: string): Promise<ScheduleRecord | undefined> {
    const current = this.records.get(userId);
    if (current?.lease?.owner !== owner || this.started.has(userId)) return undefined;
    const running = { ...current, lease: { owner, until } };
    this.records.set(userId, running);
    this.started.add(userId);
    this.writes.push({ userId, op: 'start' });
    return structuredClone(running);
  }

  async stop(userId: string, owner: string): Promise<void> {
    if (this.records.get(userId)?.lease?.owner === owner) this.started.delete(userId);
  }

  /** Users disconnected since they last connected (the store's `disconnected`). */
  readonly disconnected = new Set<string>();

  async end(userId: string, owner: string, end: ScheduleEnd): Promise<boolean> {
    const current = this.records.get(userId);
    if (current?.lease?.owner !== owner) return false;
    const next: ScheduleRecord = { ...current };
    delete next.lease;
    this.started.delete(userId);
    if (typeof end.nextSyncTime === 'string' && this.disconnected.has(userId)) {
      // Released, nobody rescheduled.
      this.records.set(userId, { ...next, ...(end.fetches ? { fetches: [...end.fetches] } : {}) });
      this.writes.push({ userId, op: 'end' });
      return false;
    }
    if (end.nextSyncTime === null) delete next.nextSyncTime;
    else if (end.nextSyncTime !== undefined) next.nextSyncTime = end.nextSyncTime;
    if (end.lastSyncTime !== undefined) next.lastSyncTime = end.lastSyncTime;
    if (end.probedAt !== undefined) next.probedAt = end.probedAt;
    if (end.fetches !== undefined) next.fetches = [...end.fetches];
    this.records.set(userId, next);
    this.writes.push({ userId, op: 'end' });
    return true;
  }

  async recordRead(userId: string, readSince: string, now: Date, pull?: SchedulePull): Promise<boolean> {
    const pullTo = pull?.to;
    const current = this.records.get(userId);
    if (!current?.nextSyncTime || (current.lastReadAt !== undefined && current.lastReadAt >= readSince)) return false;
    if (pullTo !== undefined && (current.nextSyncTime <= pullTo || live(current, now))) return false;
    this.records.set(userId, { ...current, lastReadAt: now.toISOString(), ...(pullTo === undefined ? {} : { nextSyncTime: pullTo }) });
    this.writes.push({ userId, op: 'read' });
    return true;
  }

  /** What ConnectionStore.put writes beside the connection: its schedule, the log and any lease kept. */
  schedule(userId: string, fields: Pick<ScheduleRecord, 'nextSyncTime' | 'lastSyncTime' | 'probedAt'>): void {
    const { lease, fetches } = this.records.get(userId) ?? { fetches: [] };
    this.records.set(userId, { userId, fetches, ...(lease ? { lease } : {}), ...definedOf(fields) });
    this.disconnected.delete(userId);
    this.writes.push({ userId, op: 'put' });
  }

  /** What ConnectionStore.delete does to it: unscheduled, marked, the lease and the fetch log kept. */
  unschedule(userId: string): void {
    const current = this.records.get(userId);
    if (!current) return;
    this.records.set(userId, { userId, fetches: current.fetches, ...(current.lease ? { lease: current.lease } : {}) });
    this.disconnected.add(userId);
    this.writes.push({ userId, op: 'delete' });
  }

  /** A user due at `nextSyncTime` (what dispatch looks for). */
  due(userId: string, nextSyncTime: string): void {
    this.records.set(userId, { ...(this.records.get(userId) ?? { userId, fetches: [] }), nextSyncTime });
  }
}

const definedOf = <T extends object>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
