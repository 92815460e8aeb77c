/** The data store in memory, with a switch that makes its writes fail (a storage outage). */
import type {
  ActivityQuery,
  DailySummaryInput,
  DataStore,
  GarminObject,
  StoredActivity,
  StoredDailySummary,
  StoredProfile,
  WellnessDay,
  WellnessKind,
} from '../../../functions/core/shared/ports';

const between = (date: string, from?: string, to?: string): boolean => (!from || date >= from) && (!to || date <= to);

export class MemoryDataStore implements DataStore {
  readonly activities = new Map<string, Map<string, StoredActivity>>();
  readonly summaries = new Map<string, Map<string, StoredDailySummary>>();
  readonly wellness = new Map<string, Map<string, WellnessDay>>();
  readonly profiles = new Map<string, StoredProfile>();
  /** When set, every write throws it. */
  failWrites: Error | undefined;

  private write(): void {
    if (this.failWrites) throw this.failWrites;
  }

  private of<T>(maps: Map<string, Map<string, T>>, key: string): Map<string, T> {
    const map = maps.get(key) ?? new Map<string, T>();
    maps.set(key, map);
    return map;
  }

  async upsertActivities(userId: string, activities: GarminObject[]): Promise<number> {
    this.write();
    const mine = this.of(this.activities, userId);
    for (const activity of activities) {
      const startTimeLocal = String(activity.startTimeLocal);
      mine.set(String(activity.activityId), { activityId: String(activity.activityId), startTimeLocal, startTimeGmt: String(activity.startTimeGMT), activity });
    }
    return activities.length;
  }

  async deleteActivities(userId: string, activityIds: string[]): Promise<number> {
    this.write();
    const mine = this.of(this.activities, userId);
    return activityIds.filter((id) => mine.delete(id)).length;
  }

  async upsertDailySummaries(userId: string, summaries: DailySummaryInput[]): Promise<number> {
    this.write();
    const mine = this.of(this.summaries, userId);
    for (const s of summaries) mine.set(s.date, { date: s.date, final: s.final, summary: s.summary });
    return summaries.length;
  }

  async putProfile(userId: string, profile: GarminObject, fetchedAt: Date): Promise<void> {
    this.write();
    this.profiles.set(userId, { profile, fetchedAt: fetchedAt.toISOString() });
  }

  async getProfile(userId: string): Promise<StoredProfile | undefined> {
    return this.profiles.get(userId);
  }

  /** One page holds everything (no cursors). */
  async queryActivities(userId: string, query: ActivityQuery): Promise<{ items: StoredActivity[] }> {
    const items = [...(this.activities.get(userId)?.values() ?? [])]
      .filter((a) => between(a.startTimeLocal.slice(0, 10), query.from, query.to))
      .sort((a, b) => (a.startTimeLocal < b.startTimeLocal ? 1 : -1));
    return { items: items.slice(0, query.limit) };
  }

  async queryDailySummaries(userId: string, from: string, to: string): Promise<StoredDailySummary[]> {
    return [...(this.summaries.get(userId)?.values() ?? [])].filter((s) => between(s.date, from, to));
  }

  async upsertWellnessDays(userId: string, kind: WellnessKind, days: WellnessDay[]): Promise<number> {
    this.write();
    const mine = this.of(this.wellness, `${userId}#${kind}`);
    for (const d of days) mine.set(d.date, d);
    return days.length;
  }

  async queryWellnessDays(userId: string, kind: WellnessKind, from: string, to: string): Promise<WellnessDay[]> {
    return [...(this.wellness.get(`${userId}#${kind}`)?.values() ?? [])].filter((d) => between(d.date, from, to));
  }

  async deleteAllForUser(userId: string): Promise<number> {
    let deleted = (this.activities.get(userId)?.size ?? 0) + (this.summaries.get(userId)?.size ?? 0) + (this.profiles.has(userId) ? 1 : 0);
    this.activities.delete(userId);
    this.summaries.delete(userId);
    this.profiles.delete(userId);
    for (const key of [...this.wellness.keys()].filter((k) => k.startsWith(`${userId}#`))) {
      deleted += this.wellness.get(key)?.size ?? 0;
      this.wellness.delete(key);
    }
    return deleted;
  }
}
