/**
 * Schedules: one small item per user in the connections table (tables.ts says why there),
 * key `__schedule__#<user id>`: `due_shard` + `next_sync_time` (the sparse `due` index, only
 * while scheduled), `lease_owner` + `lease_until`, `fetches` (the fetch log, epoch ms),
 * `lease_started` (a worker runs the claim's job), `last_sync_time`, `probed_at`, `read_at` (the app's last recorded read), `disconnected`
 * (set by a disconnect, removed by the next connect: a sync still running then reschedules nobody). Every write is one conditional UpdateItem
 * of it; claiming it is the lease, and only a sync's end moves the due time (one index move per
 * sync). A connection item written by an older version may still
 * carry `due_shard` + `next_sync_time`: dispatch finds it in the same index and its claim moves
 * the schedule into the schedule item (one transaction), so an upgraded deployment keeps syncing.
 */
import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DocumentClient } from './client';
import * as z from 'zod';
import { LIMITS } from '../../core/shared/limits';
import type { DueSchedule, ScheduleEnd, ScheduleRecord, ScheduleStore } from '../../core/shared/ports';
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

export const ScheduleItem = z.object({
  user_id: z.string(),
  next_sync_time: z.string().optional(),
  last_sync_time: z.string().optional(),
  probed_at: z.string().optional(),
  lease_owner: z.string().optional(),
  lease_until: z.string().optional(),
  fetches: z.array(z.number()).optional(),
  read_at: z.string().optional(),
});

export const scheduleOf = (userId: string, raw: unknown): ScheduleRecord => {
  const item = ScheduleItem.parse(raw);
  return {
    userId,
    ...(item.next_sync_time ? { nextSyncTime: item.next_sync_time } : {}),
    ...(item.last_sync_time ? { lastSyncTime: item.last_sync_time } : {}),
    ...(item.probed_at ? { probedAt: item.probed_at } : {}),
    ...(item.lease_owner && item.lease_until ? { lease: { owner: item.lease_owner, until: item.lease_until } } : {}),
    fetches: item.fetches ?? [],
    ...(item.read_at ? { lastReadAt: item.read_at } : {}),
  };
};

const DueItem = z.object({ user_id: z.string(), next_sync_time: z.string() });
const LeaseItem = z.object({ user_id: z.string(), lease_until: z.string().optional() });

/** No live lease: none, or one that ran out (its holder crashed or was cut off). */
const NO_LIVE_LEASE = '(attribute_not_exists(lease_owner) OR lease_until < :now)';

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
   * A claim leaves the due time where it is, so the index also holds users whose claimed job
   * waits or runs: they are left out here (their schedule items' leases read alongside, reads
   * being cheaper than the claims they would refuse), and the index is read on until `limit`
   * claimable ones are found, so leased users never crowd out due ones.
   */
  async findDue(shard: number, now: Date, limit: number): Promise<DueSchedule[]> {
    const found: DueSchedule[] = [];
    let from: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: DUE_INDEX,
          KeyConditionExpression: 'due_shard = :shard AND next_sync_time <= :now',
          ProjectionExpression: 'user_id, next_sync_time',
          ExpressionAttributeValues: { ':shard': shard, ':now': now.toISOString() },
          ScanIndexForward: true,
          Limit: limit - found.length,
          ...(from ? { ExclusiveStartKey: from } : {}),
        }),
      );
      const due = Items.map((raw) => {
        const item = DueItem.parse(raw);
        return item.user_id.startsWith(SCHEDULE_KEY_PREFIX)
          ? { userId: item.user_id.slice(SCHEDULE_KEY_PREFIX.length), nextSyncTime: item.next_sync_time }
          : { userId: item.user_id, nextSyncTime: item.next_sync_time, legacy: true };
      });
      const leased = await this.leasedOf(due.map((d) => d.userId), now);
      found.push(...due.filter((d) => !leased.has(d.userId)));
      from = LastEvaluatedKey;
    } while (from && found.length < limit);
    return found;
  }

  /** Those of `userIds` whose schedule item holds a live lease (eventually consistent: the claim's condition decides). */
  private async leasedOf(userIds: string[], now: Date): Promise<Set<string>> {
    const leased = new Set<string>();
    for (const raw of await batchGetAll(this.doc, this.table, userIds.map(scheduleKey), { projection: 'user_id, lease_until' })) {
      const item = LeaseItem.parse(raw);
      if (item.lease_until !== undefined && item.lease_until >= now.toISOString()) leased.add(item.user_id.slice(SCHEDULE_KEY_PREFIX.length));
    }
    return leased;
  }

  async claim(due: DueSchedule, owner: string, until: string, now: Date): Promise<boolean> {
    // The due time stays where it is (moving an index key costs two more write units): the live
    // lease keeps other claims off, and once it runs out (a crashed worker) the user is claimable again.
    const lease = {
      TableName: this.table,
      Key: scheduleKey(due.userId),
      UpdateExpression: due.legacy
        ? 'SET next_sync_time = :expected, due_shard = :shard, lease_owner = :owner, lease_until = :until REMOVE lease_started'
        : 'SET lease_owner = :owner, lease_until = :until REMOVE lease_started',
      ExpressionAttributeValues: {
        ':until': canonicalTime(until),
        ':owner': owner,
        ':now': now.toISOString(),
        ':expected': canonicalTime(due.nextSyncTime),
        ...(due.legacy ? { ':shard': dueShardOf(due.userId) } : {}),
      },
      ConditionExpression: due.legacy ? NO_LIVE_LEASE : `next_sync_time = :expected AND ${NO_LIVE_LEASE}`,
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

  async end(userId: string, owner: string, end: ScheduleEnd): Promise<boolean> {
    const sets: string[] = [];
    const removes = ['lease_owner', 'lease_until', 'lease_started'];
    const values: Record<string, unknown> = { ':owner': owner };
    const set = (attribute: string, value: unknown) => {
      sets.push(`${attribute} = :${attribute}`);
      values[`:${attribute}`] = value;
    };
    if (end.nextSyncTime === null) removes.push('next_sync_time', 'due_shard');
    else if (end.nextSyncTime !== undefined) {
      set('next_sync_time', canonicalTime(end.nextSyncTime));
      set('due_shard', dueShardOf(userId));
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

  async recordRead(userId: string, readSince: string, now: Date, pullTo?: string): Promise<boolean> {
    const once = 'attribute_exists(next_sync_time) AND (attribute_not_exists(read_at) OR read_at < :since)';
    const { written } = await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: scheduleKey(userId),
          UpdateExpression: pullTo === undefined ? 'SET read_at = :now' : 'SET read_at = :now, next_sync_time = :to',
          ConditionExpression: pullTo === undefined ? once : `${once} AND next_sync_time > :to AND ${NO_LIVE_LEASE}`,
          ExpressionAttributeValues: { ':now': now.toISOString(), ':since': readSince, ...(pullTo === undefined ? {} : { ':to': canonicalTime(pullTo) }) },
        }),
      ),
    );
    return written;
  }
}
