/**
 * Connections: one item per user in the connections table, attributes in snake_case
 * (the seed's `user_id`, `username`, `password`, `is_active`, `last_sync_time`, plus the
 * sync state); the `cursors` map alone is stored as the record holds it (core/shared/sync-cursors.ts).
 * A scheduled connection also carries `due_shard`, which puts it in the sparse `due` index;
 * an unscheduled one has neither `due_shard` nor `next_sync_time`.
 */
import { createHash } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { MFA_MAILBOX_FIELDS } from '../../core/shared/bridge-protocol';
import { LIMITS } from '../../core/shared/limits';
import { ConnectionStatusSchema } from '../../core/shared/statuses';
import {
  DATA_TYPES,
  VersionConflictError,
  type ConnectionFence,
  type ConnectionRecord,
  type ConnectionStore,
} from '../../core/shared/ports';
import { SyncCursorsSchema } from '../../core/shared/sync-cursors';
import { conditionally } from './conditional-write';
import { TABLES } from './tables';

const DUE_INDEX = TABLES.connections.globalIndexes[0].name;

type ConnectionFields = Omit<ConnectionRecord, 'userId' | 'version'>;

/**
 * Items written before the cursors were stored as the record holds them name each cursor in
 * snake_case (`backfill_done`): read as its camelCase name. A write replaces the whole map,
 * so an item holds one form only.
 */
const fromLegacyCursorNames = (cursors: unknown): unknown =>
  cursors !== null && typeof cursors === 'object'
    ? Object.fromEntries(
        Object.entries(cursors).map(([name, value]) => [name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()), value]),
      )
    : cursors;

const ConnectionItem = z.object({
  user_id: z.string(),
  username: z.string(),
  password: z.string().optional(),
  tokens: z.string(),
  is_active: z.boolean(),
  status: ConnectionStatusSchema,
  display_name: z.string().optional(),
  time_zone: z.string().optional(),
  data_types: z.array(z.enum(DATA_TYPES)).optional(),
  last_sync_time: z.string().optional(),
  next_sync_time: z.string().optional(),
  last_error: z.object({ code: z.string(), message: z.string(), at: z.string() }).optional(),
  consecutive_failures: z.number().int(),
  cursors: z.preprocess(fromLegacyCursorNames, SyncCursorsSchema),
  created_at: z.string(),
  generation: z.number().int().optional(),
  version: z.number().int(),
});

const DueItem = z.object({ user_id: z.string(), next_sync_time: z.string() });

/** The index partition of a user's schedule: stable, and spreads users evenly over the shards. */
export const dueShardOf = (userId: string): number =>
  createHash('sha256').update(userId).digest().readUInt32BE(0) % LIMITS.dueShards;

/**
 * Times are compared as strings by the `due` index and by claimDue, so they are stored in
 * one canonical form (toISOString); "…:00Z" and "…:00.000Z" would otherwise sort apart.
 */
const canonicalTime = (time: string): string => {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) throw new Error(`not a time: ${time}`);
  return date.toISOString();
};

const fromItem = (raw: unknown): ConnectionRecord => {
  const item = ConnectionItem.parse(raw);
  return {
    userId: item.user_id,
    username: item.username,
    password: item.password,
    tokens: item.tokens,
    isActive: item.is_active,
    status: item.status,
    displayName: item.display_name,
    timeZone: item.time_zone,
    dataTypes: item.data_types,
    lastSyncTime: item.last_sync_time,
    nextSyncTime: item.next_sync_time,
    lastError: item.last_error,
    consecutiveFailures: item.consecutive_failures,
    cursors: item.cursors,
    createdAt: item.created_at,
    generation: item.generation ?? 0,
    version: item.version,
  };
};

/** The item attribute of each record field: the seed's snake_case. */
const ATTRIBUTE_OF = {
  username: 'username',
  password: 'password',
  tokens: 'tokens',
  isActive: 'is_active',
  status: 'status',
  displayName: 'display_name',
  timeZone: 'time_zone',
  dataTypes: 'data_types',
  lastSyncTime: 'last_sync_time',
  nextSyncTime: 'next_sync_time',
  lastError: 'last_error',
  consecutiveFailures: 'consecutive_failures',
  cursors: 'cursors',
  createdAt: 'created_at',
  generation: 'generation',
} as const satisfies Record<keyof ConnectionFields, string>;

/** Fields that may be absent from an item; every other field is required and cannot be removed. */
const OPTIONAL_FIELDS = new Set<keyof ConnectionFields>([
  'password',
  'displayName',
  'timeZone',
  'dataTypes',
  'lastSyncTime',
  'nextSyncTime',
  'lastError',
  'generation',
]);

const isField = (name: string): name is keyof ConnectionFields => Object.hasOwn(ATTRIBUTE_OF, name);

/**
 * The item attributes for the given fields: a field present with an undefined value maps
 * to undefined attributes, which the update REMOVEs. nextSyncTime also decides due_shard.
 */
const attributesOf = (userId: string, fields: Partial<ConnectionFields>): Map<string, unknown> => {
  const attributes = new Map<string, unknown>();
  for (const [field, value] of Object.entries(fields)) {
    // `changes` may come from a spread record at run time: userId or version must not slip in.
    if (!isField(field)) throw new Error(`connection field ${field} cannot be changed`);
    if (value === undefined && !OPTIONAL_FIELDS.has(field)) throw new Error(`connection field ${field} cannot be removed`);
    attributes.set(ATTRIBUTE_OF[field], value);
  }
  // Only the known cursors, checked: an unreadable map is refused here rather than on the next read.
  if (fields.cursors) attributes.set('cursors', SyncCursorsSchema.parse(fields.cursors));
  // The fields whose stored form differs from the record's.
  if ('nextSyncTime' in fields) {
    const next = fields.nextSyncTime;
    attributes.set('next_sync_time', next === undefined ? undefined : canonicalTime(next));
    attributes.set('due_shard', next === undefined ? undefined : dueShardOf(userId));
  }
  return attributes;
};

/** SET for defined attributes, REMOVE for undefined ones, and always a version step. */
const updateExpression = (attributes: Map<string, unknown>, versionStep: string) => {
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = {};
  const sets = [`#version = ${versionStep}`];
  const removes: string[] = [];
  for (const [name, value] of attributes) {
    names[`#${name}`] = name;
    if (value === undefined) {
      removes.push(`#${name}`);
    } else {
      values[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
  }
  const expression = `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`;
  return { expression, names, values };
};

/** The connection being replaced is still the one the writer read (by generation), or there is none when it read none. */
const replacesCondition = (generation: number | undefined) => {
  if (generation === undefined) return { expression: 'attribute_not_exists(#userId)', names: { '#userId': 'user_id' }, values: {} };
  // Items older than generations carry none: they count as generation 0.
  const matches = generation === 0 ? '(attribute_not_exists(#generation) OR #generation = :replaces)' : '#generation = :replaces';
  return {
    expression: `attribute_exists(#userId) AND ${matches}`,
    names: { '#userId': 'user_id', '#generation': 'generation' },
    values: { ':replaces': generation },
  };
};

export class DynamoConnectionStore implements ConnectionStore {
  /** `attemptsTable`: needed only to write a connection fenced on its connect attempt. */
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly attemptsTable?: string,
  ) {}

  async get(userId: string): Promise<ConnectionRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { user_id: userId }, ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  /**
   * Writes every field (removing optional ones the record lacks) as one update, so a
   * reconnect replaces the old connection atomically. The version keeps counting across
   * replacements instead of taking `record.version`: a sync still holding the replaced
   * record must fail its optimistic update, not overwrite the new tokens.
   */
  async put(record: ConnectionRecord, fence?: ConnectionFence): Promise<boolean> {
    // Every key present, so the optional fields this record lacks are REMOVEd.
    const fields: { [K in keyof Required<ConnectionFields>]: ConnectionFields[K] | undefined } = {
      username: record.username,
      password: record.password,
      tokens: record.tokens,
      isActive: record.isActive,
      status: record.status,
      displayName: record.displayName,
      timeZone: record.timeZone,
      dataTypes: record.dataTypes,
      lastSyncTime: record.lastSyncTime,
      nextSyncTime: record.nextSyncTime,
      lastError: record.lastError,
      consecutiveFailures: record.consecutiveFailures,
      cursors: record.cursors,
      createdAt: record.createdAt,
      generation: record.generation,
    };
    const update = updateExpression(attributesOf(record.userId, fields), 'if_not_exists(#version, :zero) + :one');
    const fenced = fence ? replacesCondition(fence.replaces) : undefined;
    const write = {
      TableName: this.table,
      Key: { user_id: record.userId },
      UpdateExpression: update.expression,
      ExpressionAttributeNames: { ...update.names, ...fenced?.names },
      ExpressionAttributeValues: { ...update.values, ...fenced?.values, ':zero': 0, ':one': 1 },
      ...(fenced ? { ConditionExpression: fenced.expression } : {}),
    };
    if (fence?.attemptId === undefined) return (await conditionally(this.doc.send(new UpdateCommand(write)))).written;
    // One transaction: a disconnect erases the attempt before the connection, so either
    // this write sees the attempt running and the disconnect erases what it wrote, or it fails.
    const transaction = new TransactWriteCommand({
      TransactItems: [{ ConditionCheck: this.attemptRunning(record.userId, fence.attemptId) }, { Update: write }],
    });
    return (await conditionally(this.doc.send(transaction))).written;
  }

  private attemptRunning(userId: string, attemptId: string) {
    if (!this.attemptsTable) throw new Error('this connection store was built without the attempts table');
    return {
      TableName: this.attemptsTable,
      Key: { [MFA_MAILBOX_FIELDS.partitionKey]: userId, [MFA_MAILBOX_FIELDS.sortKey]: attemptId },
      // The bridge sets `pending` again once Garmin accepted the MFA code; ended attempts say connected or failed.
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': MFA_MAILBOX_FIELDS.status },
      ExpressionAttributeValues: { ':pending': 'pending' },
    };
  }

  async update(userId: string, expectedVersion: number, changes: Partial<ConnectionFields>): Promise<ConnectionRecord> {
    const update = updateExpression(attributesOf(userId, changes), '#version + :one');
    const updated = await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { user_id: userId },
          UpdateExpression: update.expression,
          // Fails on a missing item too: `version` is absent there.
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: update.names,
          ExpressionAttributeValues: { ...update.values, ':expected': expectedVersion, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (!updated.written) throw new VersionConflictError(`connection of ${userId}`);
    return fromItem(updated.output.Attributes);
  }

  async delete(userId: string): Promise<boolean> {
    const { Attributes } = await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: { user_id: userId }, ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }

  async findDue(shard: number, now: Date, limit: number): Promise<Array<{ userId: string; nextSyncTime: string }>> {
    const { Items = [] } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: DUE_INDEX,
        KeyConditionExpression: 'due_shard = :shard AND next_sync_time <= :now',
        ProjectionExpression: 'user_id, next_sync_time',
        ExpressionAttributeValues: { ':shard': shard, ':now': now.toISOString() },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    return Items.map((raw) => {
      const item = DueItem.parse(raw);
      return { userId: item.user_id, nextSyncTime: item.next_sync_time };
    });
  }

  async claimDue(userId: string, expected: string, next: string): Promise<boolean> {
    const { written } = await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { user_id: userId },
          // A claim is a write like any other: holders of the previous version must re-read.
          UpdateExpression: 'SET next_sync_time = :next, #version = #version + :one',
          ConditionExpression: 'next_sync_time = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': canonicalTime(expected), ':next': canonicalTime(next), ':one': 1 },
        }),
      ),
    );
    return written;
  }
}
