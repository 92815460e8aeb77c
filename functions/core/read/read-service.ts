/** What the app reads: activities, daily summaries and the profile, as stored; a read of the user's data pulls their schedule (read-cadence.ts). */
import type * as z from '../shared/zod';
import type {
  ActivitiesQuery,
  ActivityView,
  DailySummariesQuery,
  DailySummaryView,
  EnergyResponse,
  HydrationResponse,
  ProfileResponse,
  SleepResponse,
  WeightResponse,
} from '../shared/api-schemas';
import { AppError } from '../shared/errors';
import { type Clock, type DataStore, InvalidCursorError, type ScheduleStore, type StoredActivity } from '../shared/ports';
import { energyDay } from './energy';
import { storedActivities } from '../shared/stored-activities';
import { hydrationOf, sleepOf, weighInsOf } from './wellness';
import { recordRead } from './read-cadence';

/** Garmin's "YYYY-MM-DD HH:MM:SS" GMT time as ISO-8601 UTC. */
export const gmtToIso = (gmt: string): string => `${gmt.replace(' ', 'T')}${gmt.includes('T') ? '' : '.000Z'}`;

const toActivityView = (a: StoredActivity): ActivityView => ({
  activityId: a.activityId,
  startTimeUtc: gmtToIso(a.startTimeGmt),
  startTimeLocal: a.startTimeLocal,
  garmin: a.activity,
});

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export class ReadService {
  constructor(private readonly deps: { data: DataStore; schedules: ScheduleStore; clock: Clock }) {}

  /** The answer of a read of the user's data, once it is recorded (after it succeeded: a refused read changes nothing). */
  private async read<T>(userId: string, answer: Promise<T>): Promise<T> {
    const result = await answer;
    await recordRead(this.deps, userId);
    return result;
  }

  activities(userId: string, query: z.output<typeof ActivitiesQuery>) {
    return this.read(userId, this.activityPage(userId, query));
  }

  private async activityPage(userId: string, query: z.output<typeof ActivitiesQuery>) {
    try {
      const page = await this.deps.data.queryActivities(userId, {
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      });
      return { items: page.items.map(toActivityView), nextCursor: page.nextCursor ?? null };
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new AppError('VALIDATION_ERROR', error.message);
      throw error;
    }
  }

  async dailySummaries(userId: string, query: z.output<typeof DailySummariesQuery>): Promise<{ items: DailySummaryView[] }> {
    const items = await this.read(userId, this.deps.data.queryDailySummaries(userId, query.from, query.to));
    return { items: items.map((s) => ({ date: s.date, final: s.final, garmin: s.summary })) };
  }

  /** The energy budget of each stored day of the range, oldest first (functions/core/read/energy.ts). */
  async energy(userId: string, query: z.output<typeof DailySummariesQuery>): Promise<EnergyResponse> {
    const [days, activities] = await this.read(
      userId,
      Promise.all([this.deps.data.queryDailySummaries(userId, query.from, query.to), storedActivities(this.deps.data, userId, query.from, query.to)]),
    );
    return { items: days.map((day) => energyDay(day, activities)) };
  }

  /** Weigh-ins of the range, oldest first (read/wellness.ts). */
  async weight(userId: string, query: z.output<typeof DailySummariesQuery>): Promise<WeightResponse> {
    const days = await this.read(userId, this.deps.data.queryWellnessDays(userId, 'weight', query.from, query.to));
    return { items: days.flatMap(weighInsOf) };
  }

  async hydration(userId: string, query: z.output<typeof DailySummariesQuery>): Promise<HydrationResponse> {
    const days = await this.read(userId, this.deps.data.queryWellnessDays(userId, 'hydration', query.from, query.to));
    return { items: days.map(hydrationOf) };
  }

  /** Nights by the morning they ended; a day without a recorded night is left out. */
  async sleep(userId: string, query: z.output<typeof DailySummariesQuery>): Promise<SleepResponse> {
    const days = await this.read(userId, this.deps.data.queryWellnessDays(userId, 'sleep', query.from, query.to));
    return { items: days.flatMap((day) => sleepOf(day) ?? []) };
  }

  async profile(userId: string): Promise<ProfileResponse> {
    const stored = await this.deps.data.getProfile(userId);
    if (!stored) throw new AppError('NOT_CONNECTED', 'No Garmin profile has been synced for this user');
    const p = stored.profile;
    const record = (value: unknown): Record<string, unknown> =>
      value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    return {
      profile: {
        displayName: text(p.displayName),
        fullName: text(p.fullName),
        profileId: typeof p.profileId === 'number' ? p.profileId : null,
        unitSystem: text(p.unitSystem),
        timeZone: text(p.timeZone),
        fetchedAt: stored.fetchedAt,
        garmin: { socialProfile: record(p.socialProfile), userSettings: record(p.userSettings) },
      },
    };
  }
}
