/**
 * Schedules: one small item per user in the connections table (tables.ts says why there),
 * key `__schedule__#<user id>`: `due_at` (when the next sync is due), `due_shard` +
 * `next_sync_time` (the sparse `due` index, only while scheduled: when dispatch next looks),
 * `lease_owner` + `lease_until`, `fetches` (the fetch log, epoch ms), `lease_started` (a worker
 * runs the claim's job, written only when the run may refresh the tokens or needs a longer
 * lease, core/sync/claimed-run.ts), `last_sync_time`,
 * `probed_at`, `read_at` (the app's last recorded read), `disconnected` (set by a disconnect,
 * removed by the next connect: a sync still running then reschedules nobody). Every write is
 * one conditional UpdateItem of it; claiming it is the lease.
 *
 * The index key is not the due time: moving it costs two more write units (the index's delete
 * and put), while a look costs a twentieth of that (dispatch runs every 5 minutes and reads the
 * schedule items of the keys it finds, half a read unit each). So a sync's end moves the key
 * only when its user is due more than DUE_INDEX_LOOK_AHEAD_MS ahead (a night, a dormant user, a
 * long backoff) or earlier than the index looks; otherwise dispatch looks at the user at every
 * run until `due_at` comes. An item without `due_at` (written by an older version) is due at
 * `next_sync_time`. A connection item written by an older version may still carry `due_shard` +
 * `next_sync_time`: dispatch finds it in the same index and its claim moves the schedule into
 * the schedule item (one transaction), so an upgraded deployment keeps syncing.
 */
import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DocumentClient } from './client';
import * as z from '../../core/shared/zod';
import { LIMITS } from '../../core/shared/limits';
import type { DueSchedule, ScheduleEnd, SchedulePull, ScheduleRecord, ScheduleSeen, ScheduleStore } from '../../core/shared/ports';
import { batchGetAll } from './batch-get';
import { conditionally } from './conditional-write';
import { SCHEDULE_KEY_PREFIX, TABLES } from './tables';

const DUE_INDEX = TABLES.connections.globalIndexes[0].name;

/** The index partition of a user's schedule: stable, and spreads users evenly over the shards. */
export const dueShardOf = (userId: string): number =>
  createHash('sha256').update(userId).digest().readUInt32BE(0) % LIMITS.dueShards;

/**
 * Times are compared as strings by the `due` index and by the claim, so they are stored in
 * one canonical form (toISOString); "…:00Z" and "…:00.000Z" would otherwise sort apart.
 */
export const canonicalTime = (time: string): string => {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) throw new Error(`not a time: ${time}`);
  return date.toISOString();
};

export const scheduleKey = (userId: string) => ({ user_id: `${SCHEDULE_KEY_PREFIX}${userId}` });

/** Due further ahead than this, a sync's end moves the index key (see above): an hour of looks costs less than a move. */
export const DUE_INDEX_LOOK_AHEAD_MS = 3600_000;

export const ScheduleItem = z.object({
  user_id: z.string(),
  due_at: z.optional(z.string()),
  next_sync_time: z.optional(z.string()),
  last_sync_time: z.optional(z.string()),
  probed_at: z.optional(z.string()),
  lease_owner: z.optional(z.string()),
  lease_until: z.optional(z.string()),
  fetches: z.optional(z.array(z.number())),
  read_at: z.optional(z.string()),
});

/** When the item's user is due: `due_at`, or the index key of an item an older version wrote. */
export const dueOf = (item: { due_at?: string | undefined; next_sync_time?: string | undefined }): string | undefined =>
  item.next_sync_time === undefined ? undefined : (item.due_at ?? item.next_sync_time);

export const scheduleOf = (userId: string, raw: unknown): ScheduleRecord => {
  const item = ScheduleItem.parse(raw);
  const due = dueOf(item);
  return {
    userId,
    ...(due ? { nextSyncTime: due } : {}),
    ...(item.next_sync_time ? { lookAt: item.next_sync_time } : {}),
    ...(item.last_sync_time ? { lastSyncTime: item.last_sync_time } : {}),
    ...(item.probed_at ? { probedAt: item.probed_at } : {}),
    ...(item.lease_owner && item.lease_until ? { lease: { owner: item.lease_owner, until: item.lease_until } } : {}),
    fetches: item.fetches ?? [],
    ...(item.read_at ? { lastReadAt: item.read_at } : {}),
  };
};

/**
 * Where the index key goes when the user is next due at `due`: absent (stays where it is) while
 * the index already looks at or before `due` and `due` is within the look-ahead of `now`.
 */
export const lookAtFor = (due: string, lookAt: string | undefined, now: Date): string | undefined =>
  lookAt === undefined || due < lookAt || Date.parse(due) - now.getTime() > DUE_INDEX_LOOK_AHEAD_MS ? due : undefined;

const DueItem = z.object({ user_id: z.string(), next_sync_time: z.string() });
const LookItem = z.pick(ScheduleItem, { user_id: true, due_at: true, next_sync_time: true, lease_until: true });

/** No live lease: none, or one that ran out (its holder crashed or was cut off). */
const NO_LIVE_LEASE = '(attribute_not_exists(lease_owner) OR lease_until < :now)';
/** The item is due at `:expected` (dueOf, as a condition). */
const DUE_AS_EXPECTED = '(due_at = :expected OR (attribute_not_exists(due_at) AND next_sync_time = :expected))';

export class DynamoScheduleStore implements ScheduleStore {
  constructor(
    private readonly doc: DocumentClient,
    private readonly table: string,
  ) {}

  async get(userId: string, options: { eventual?: boolean } = {}): Promise<ScheduleRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: scheduleKey(userId), ConsistentRead: !options.eventual }));
    return Item ? scheduleOf(userId, Item) : undefined;
  }

  /**
   * The index holds users not yet due (a sync's end leaves the key within the look-ahead) and
   * users whose claimed job waits or runs (a claim leaves the key too): their schedule items are
   * read alongside (reads being cheaper than the index moves and the claims they spare), and the
   * index is read on until `limit` claimable ones are found, so neither crowds out due ones.
   */
  async findDue(shard: number, now: Date, limit: number): Promise<DueSchedule[]> {
    const found: DueSchedule[] = [];
    const at = now.toISOString();
    let from: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: DUE_INDEX,
          KeyConditionExpression: 'due_shard = :shard AND next_sync_time <= :now',
          ProjectionExpression: 'user_id, next_sync_time',
          ExpressionAttributeValues: { ':shard': shard, ':now': at },
          ScanIndexForward: true,
          Limit: limit - found.length,
          ...(from ? { ExclusiveStartKey: from } : {}),
        }),
      );
      const looked = Items.map((raw) => DueItem.parse(raw));
      const schedules = new Set(looked.filter((item) => item.user_id.startsWith(SCHEDULE_KEY_PREFIX)).map((item) => item.user_id.slice(SCHEDULE_KEY_PREFIX.length)));
      const legacy = looked.filter((item) => !item.user_id.startsWith(SCHEDULE_KEY_PREFIX)).map((item) => ({ userId: item.user_id, nextSyncTime: item.next_sync_time, legacy: true }));
      const leased = new Set<string>();
      const due: DueSchedule[] = [];
      for (const item of await this.looksOf([...schedules, ...legacy.map((l) => l.userId)])) {
        const userId = item.user_id.slice(SCHEDULE_KEY_PREFIX.length);
        if (item.lease_until !== undefined && item.lease_until >= at) leased.add(userId);
        else if (schedules.has(userId)) {
          const dueAt = dueOf(item);
          if (dueAt !== undefined && dueAt <= at) due.push({ userId, nextSyncTime: dueAt });
        }
      }
      found.push(...due, ...legacy.filter((l) => !leased.has(l.userId)));
      from = LastEvaluatedKey;
    } while (from && found.length < limit);
    return found;
  }

  /** The schedule items of `userIds`, what a look needs of them (eventually consistent: the claim's condition decides). */
  private async looksOf(userIds: string[]) {
    const raws = await batchGetAll(this.doc, this.table, userIds.map(scheduleKey), { projection: 'user_id, due_at, next_sync_time, lease_until' });
    return raws.map((raw) => LookItem.parse(raw));
  }

  async claim(due: DueSchedule, owner: string, until: string, now: Date): Promise<boolean> {
    // The due time and the index key stay where they are (moving the key costs two more write
    // units): the live lease keeps other claims off, and once it runs out (a crashed worker) the
    // user is claimable again.
    const lease = {
      TableName: this.table,
      Key: scheduleKey(due.userId),
      UpdateExpression: due.legacy
        ? 'SET next_sync_time = :expected, due_at = :expected, due_shard = :shard, lease_owner = :owner, lease_until = :until REMOVE lease_started'
        : 'SET lease_owner = :owner, lease_until = :until REMOVE lease_started',
      ExpressionAttributeValues: {
        ':until': canonicalTime(until),
        ':owner': owner,
        ':now': now.toISOString(),
        ':expected': canonicalTime(due.nextSyncTime),
        ...(due.legacy ? { ':shard': dueShardOf(due.userId) } : {}),
      },
      ConditionExpression: due.legacy ? NO_LIVE_LEASE : `${DUE_AS_EXPECTED} AND ${NO_LIVE_LEASE}`,
    };
    if (!due.legacy) return (await conditionally(this.doc.send(new UpdateCommand(lease)))).written;
    // An older version's schedule on the connection item: moved into the schedule item by this claim.
    const unscheduleLegacy = {
      TableName: this.table,
      Key: { user_id: due.userId },
      UpdateExpression: 'REMOVE next_sync_time, due_shard',
      ConditionExpression: 'next_sync_time = :expected',
      ExpressionAttributeValues: { ':expected': canonicalTime(due.nextSyncTime) },
    };
    const transaction = new TransactWriteCommand({ TransactItems: [{ Update: unscheduleLegacy }, { Update: lease }] });
    return (await conditionally(this.doc.send(transaction))).written;
  }

  async acquire(userId: string, owner: string, until: string, now: Date): Promise<ScheduleRecord | undefined> {
    const taken = await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: scheduleKey(userId),
          UpdateExpression: 'SET lease_owner = :owner, lease_until = :until REMOVE lease_started',
          ConditionExpression: NO_LIVE_LEASE,
          ExpressionAttributeValues: { ':owner': owner, ':until': canonicalTime(until), ':now': now.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return taken.written ? scheduleOf(userId, taken.output.Attributes) : undefined;
  }

  async start(userId: string, owner: string, until: string): Promise<ScheduleRecord | undefined> {
    const started = await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: scheduleKey(userId),
          UpdateExpression: 'SET lease_until = :until, lease_started = :yes',
          // SQS may deliver one job twice at once: only one delivery runs it.
          ConditionExpression: 'lease_owner = :owner AND attribute_not_exists(lease_started)',
          ExpressionAttributeValues: { ':owner': owner, ':until': canonicalTime(until), ':yes': true },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return started.written ? scheduleOf(userId, started.output.Attributes) : undefined;
  }

  async stop(userId: string, owner: string): Promise<void> {
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: scheduleKey(userId),
          UpdateExpression: 'REMOVE lease_started',
          ConditionExpression: 'lease_owner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      ),
    );
  }

  async end(userId: string, owner: string, end: ScheduleEnd, seen?: ScheduleSeen): Promise<boolean> {
    const sets: string[] = [];
    const removes = ['lease_owner', 'lease_until', 'lease_started'];
    const values: Record<string, unknown> = { ':owner': owner };
    const set = (attribute: string, value: unknown) => {
      sets.push(`${attribute} = :${attribute}`);
      values[`:${attribute}`] = value;
    };
    if (end.nextSyncTime === null) removes.push('due_at', 'next_sync_time', 'due_shard');
    else if (end.nextSyncTime !== undefined) {
      const due = canonicalTime(end.nextSyncTime);
      set('due_at', due);
      const lookAt = seen ? lookAtFor(due, seen.lookAt, seen.now) : due;
      if (lookAt !== undefined) {
        set('next_sync_time', lookAt);
        set('due_shard', dueShardOf(userId));
      }
    }
    if (end.lastSyncTime !== undefined) set('last_sync_time', end.lastSyncTime);
    if (end.probedAt !== undefined) set('probed_at', end.probedAt);
    if (end.fetches !== undefined) set('fetches', end.fetches);
    const reschedules = typeof end.nextSyncTime === 'string';
    const ended = await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: scheduleKey(userId),
          UpdateExpression: `${sets.length ? `SET ${sets.join(', ')} ` : ''}REMOVE ${removes.join(', ')}`,
          // Not ours any more (expired and taken): nothing of this lease is written. Disconnected
          // meanwhile: nobody is rescheduled, the lease is only released (below).
          ConditionExpression: reschedules ? 'lease_owner = :owner AND attribute_not_exists(disconnected)' : 'lease_owner = :owner',
          ExpressionAttributeValues: values,
        }),
      ),
    );
    if (ended.written || !reschedules) return ended.written;
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: scheduleKey(userId),
          UpdateExpression: `${end.fetches === undefined ? '' : 'SET fetches = :fetches '}REMOVE lease_owner, lease_until, lease_started`,
          ConditionExpression: 'lease_owner = :owner',
          ExpressionAttributeValues: { ':owner': owner, ...(end.fetches === undefined ? {} : { ':fetches': end.fetches }) },
        }),
      ),
    );
    return false;
  }

  async recordRead(userId: string, readSince: string, now: Date, pull?: SchedulePull): Promise<boolean> {
    const once = 'attribute_exists(next_sync_time) AND (attribute_not_exists(read_at) OR read_at < :since)';
    const values = { ':now': now.toISOString(), ':since': readSince };
    if (pull === undefined) return this.recordReadWith(userId, 'SET read_at = :now', once, values);
    const to = canonicalTime(pull.to);
    // Pulled earlier than the index looks: the key moves too; else only the due time (the look
    // decides which, each write's condition holds it to that, so a stale look only skips).
    const moves = pull.lookAt === undefined || pull.lookAt > to;
    const later = `(due_at > :to OR (attribute_not_exists(due_at) AND next_sync_time > :to)) AND ${NO_LIVE_LEASE}`;
    return moves
      ? this.recordReadWith(userId, 'SET read_at = :now, due_at = :to, next_sync_time = :to', `${once} AND next_sync_time > :to AND ${later}`, { ...values, ':to': to })
      : this.recordReadWith(userId, 'SET read_at = :now, due_at = :to', `${once} AND next_sync_time <= :to AND ${later}`, { ...values, ':to': to });
  }

  private async recordReadWith(userId: string, update: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
    const { written } = await conditionally(
      this.doc.send(
        new UpdateCommand({ TableName: this.table, Key: scheduleKey(userId), UpdateExpression: update, ConditionExpression: condition, ExpressionAttributeValues: values }),
      ),
    );
    return written;
  }
}
