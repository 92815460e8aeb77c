/**
 * Synced data: one partition per user in the data table. Activities at `ACT#<activityId>`
 * (with `start_local` = `<startTimeLocal>#<activityId>` for the `by_start` index, unique
 * even when two activities start in the same second), daily summaries at `DAY#<date>`, the
 * profile at `PROFILE`. Garmin's objects are stored as given, next to a content hash so
 * that re-syncing unchanged data writes nothing.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  paginateQuery,
  type DocumentClient,
} from './client';
import * as z from '../../core/shared/zod';
import { IsoDate } from '../../core/shared/bridge-protocol';
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
} from '../../core/shared/ports';
import { decodeActivityCursor, encodeActivityCursor, type ActivityRange } from './activity-cursor';
import { contentHash } from './content-hash';
import { conditionally } from './conditional-write';
import { mapBounded } from './map-bounded';
import { deletePartition } from './partition';
import { DATA_SK, TABLES } from './tables';

const BY_START_INDEX = TABLES.data.localIndexes[0].name;
/** Conditional puts in flight per upsert: a backfill brings hundreds of items. */
const WRITE_CONCURRENCY = 8;
/** Above every character of a `start_local`, so `<date><END>` bounds a whole day. */
const END_OF_DAY = '\uffff';

const RawObject = z.record(z.string(), z.unknown());

/** The fields of a Garmin activity the store relies on; everything else is kept untouched. */
const GarminActivityKeys = z.object({
  activityId: z.union([z.int().check(z.nonnegative()), z.string().check(z.regex(/^\d+$/))]),
  startTimeLocal: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/)),
  startTimeGMT: z.string().check(z.minLength(1)),
});

const ActivityItem = z.object({
  sk: z.string().check(z.startsWith(DATA_SK.activity)),
  start_local: z.string(),
  start_gmt: z.string(),
  activity: RawObject,
});

const DayItem = z.object({ sk: z.string().check(z.startsWith(DATA_SK.day)), final: z.boolean(), summary: RawObject });

const WellnessItem = z.object({ sk: z.string(), final: z.boolean(), garmin: RawObject });

const ProfileItem = z.object({ profile: RawObject, fetched_at: z.string() });

const toStoredActivity = (raw: unknown): StoredActivity => {
  const item = ActivityItem.parse(raw);
  const activityId = item.sk.slice(DATA_SK.activity.length);
  return {
    activityId,
    startTimeLocal: item.start_local.slice(0, -(activityId.length + 1)),
    startTimeGmt: item.start_gmt,
    activity: item.activity,
  };
};

const toStoredSummary = (raw: unknown): StoredDailySummary => {
  const item = DayItem.parse(raw);
  return { date: item.sk.slice(DATA_SK.day.length), final: item.final, summary: item.summary };
};

export class DynamoDataStore implements DataStore {
  constructor(
    private readonly doc: DocumentClient,
    private readonly table: string,
  ) {}

  async upsertActivities(userId: string, activities: GarminObject[]): Promise<number> {
    // Validate the whole batch before writing any of it; the last copy of an id wins.
    const byId = new Map<string, { activity: GarminObject; startTimeLocal: string; startTimeGmt: string }>();
    for (const [index, activity] of activities.entries()) {
      const parsed = GarminActivityKeys.safeParse(activity);
      // Loud, not skipped: an activity Garmin sends without these means its format changed.
      if (!parsed.success) throw new Error(`activity ${index} of the batch cannot be keyed: ${z.prettifyError(parsed.error)}`);
      const keys = parsed.data;
      byId.set(String(keys.activityId), { activity, startTimeLocal: keys.startTimeLocal, startTimeGmt: keys.startTimeGMT });
    }
    const written = await mapBounded([...byId], WRITE_CONCURRENCY, ([activityId, { activity, startTimeLocal, startTimeGmt }]) =>
      this.putIfChanged(
        {
          user_id: userId,
          sk: `${DATA_SK.activity}${activityId}`,
          start_local: `${startTimeLocal}#${activityId}`,
          start_gmt: startTimeGmt,
          activity,
          content_hash: contentHash(activity),
        },
        { expression: 'attribute_not_exists(sk) OR content_hash <> :hash' },
      ),
    );
    return written.filter(Boolean).length;
  }

  async deleteActivities(userId: string, activityIds: string[]): Promise<number> {
    await mapBounded(activityIds, WRITE_CONCURRENCY, (activityId) =>
      this.doc.send(new DeleteCommand({ TableName: this.table, Key: { user_id: userId, sk: `${DATA_SK.activity}${activityId}` } })),
    );
    return activityIds.length;
  }

  async upsertDailySummaries(userId: string, summaries: DailySummaryInput[]): Promise<number> {
    return this.upsertDays(userId, DATA_SK.day, 'summary', summaries.map(({ date, summary, final }) => ({ date, final, garmin: summary })));
  }

  async upsertWellnessDays(userId: string, kind: WellnessKind, days: WellnessDay[]): Promise<number> {
    return this.upsertDays(userId, DATA_SK[kind], 'garmin', days);
  }

  async queryWellnessDays(userId: string, kind: WellnessKind, from: string, to: string): Promise<WellnessDay[]> {
    const prefix = DATA_SK[kind];
    return (await this.queryDays(userId, prefix, from, to)).map((raw) => {
      const item = WellnessItem.parse(raw);
      return { date: item.sk.slice(prefix.length), final: item.final, garmin: item.garmin };
    });
  }

  /** Per-date items under `prefix`: a final one is never replaced by a provisional one. */
  private async upsertDays(userId: string, prefix: string, attribute: string, days: WellnessDay[]): Promise<number> {
    const byDate = new Map<string, WellnessDay>();
    for (const day of days) byDate.set(IsoDate.parse(day.date), day);
    const written = await mapBounded([...byDate.values()], WRITE_CONCURRENCY, ({ date, garmin, final }) =>
      this.putIfChanged(
        { user_id: userId, sk: `${prefix}${date}`, final, [attribute]: garmin, content_hash: contentHash(garmin) },
        {
          // A final summary is rewritten only if its content changed or the stored one was
          // provisional; a provisional one never replaces a final one.
          expression: final
            ? 'attribute_not_exists(sk) OR content_hash <> :hash OR #final <> :true'
            : 'attribute_not_exists(sk) OR (content_hash <> :hash AND #final <> :true)',
          names: { '#final': 'final' },
          values: { ':true': true },
        },
      ),
    );
    return written.filter(Boolean).length;
  }

  /** A conditional put; false when the condition found the stored item already current. */
  private async putIfChanged(
    item: Record<string, unknown> & { content_hash: string },
    condition: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
  ): Promise<boolean> {
    const { written } = await conditionally(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: condition.names,
          ExpressionAttributeValues: { ':hash': item.content_hash, ...condition.values },
        }),
      ),
    );
    return written;
  }

  async putProfile(userId: string, profile: GarminObject, fetchedAt: Date): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { user_id: userId, sk: DATA_SK.profile, profile, fetched_at: fetchedAt.toISOString() },
      }),
    );
  }

  async getProfile(userId: string): Promise<StoredProfile | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { user_id: userId, sk: DATA_SK.profile }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const item = ProfileItem.parse(Item);
    return { profile: item.profile, fetchedAt: item.fetched_at };
  }

  async queryActivities(userId: string, query: ActivityQuery): Promise<{ items: StoredActivity[]; nextCursor?: string }> {
    const { from, to, limit } = query;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, not ${limit}`);
    const range: ActivityRange = { lower: from, upper: to === undefined ? undefined : `${to}${END_OF_DAY}` };
    const startAfter = query.cursor === undefined ? undefined : decodeActivityCursor(query.cursor, userId, from, to, range);
    if (range.lower !== undefined && range.upper !== undefined && range.lower > range.upper) return { items: [] };

    const conditions = ['user_id = :user'];
    const values: Record<string, unknown> = { ':user': userId };
    if (range.lower !== undefined && range.upper !== undefined) {
      conditions.push('start_local BETWEEN :lower AND :upper');
      Object.assign(values, { ':lower': range.lower, ':upper': range.upper });
    } else if (range.lower !== undefined) {
      conditions.push('start_local >= :lower');
      values[':lower'] = range.lower;
    } else if (range.upper !== undefined) {
      conditions.push('start_local <= :upper');
      values[':upper'] = range.upper;
    }

    const { Items = [] } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: BY_START_INDEX,
        KeyConditionExpression: conditions.join(' AND '),
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        // One more than asked tells whether another page exists, so the last page has no cursor.
        Limit: limit + 1,
        ConsistentRead: true,
        ...(startAfter === undefined
          ? {}
          : {
              ExclusiveStartKey: {
                user_id: userId,
                sk: `${DATA_SK.activity}${startAfter.slice(startAfter.lastIndexOf('#') + 1)}`,
                start_local: startAfter,
              },
            }),
      }),
    );
    const items = Items.slice(0, limit).map(toStoredActivity);
    const last = items.at(-1);
    const nextCursor =
      Items.length > limit && last
        ? encodeActivityCursor(userId, from, to, `${last.startTimeLocal}#${last.activityId}`)
        : undefined;
    return nextCursor === undefined ? { items } : { items, nextCursor };
  }

  async queryDailySummaries(userId: string, from: string, to: string): Promise<StoredDailySummary[]> {
    return (await this.queryDays(userId, DATA_SK.day, from, to)).map(toStoredSummary);
  }

  private async queryDays(userId: string, prefix: string, from: string, to: string): Promise<Record<string, unknown>[]> {
    if (from > to) return [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.table,
        KeyConditionExpression: 'user_id = :user AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':user': userId, ':from': `${prefix}${from}`, ':to': `${prefix}${to}` },
        ScanIndexForward: true,
        ConsistentRead: true,
      },
    );
    const items: Record<string, unknown>[] = [];
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }

  /** Everything synced (the lease is in the user's schedule item, which a disconnect unschedules). */
  async deleteAllForUser(userId: string): Promise<number> {
    const keys = { partitionKey: 'user_id', sortKey: 'sk' };
    return (await deletePartition(this.doc, this.table, keys, userId)).length;
  }
}
