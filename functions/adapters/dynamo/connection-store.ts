/**
 * Connections: one item per user in the connections table, each field of the record
 * (core/shared/connection-record.ts) in the attribute of its name in snake_case (the seed's
 * `user_id`, `username`, `password`, `is_active`, `last_sync_time`, plus the sync state); the
 * `cursors` map alone is stored as the record holds it (core/shared/sync-cursors.ts).
 * What every sync changes (due time, lastSyncTime, the probe's time) is in the user's
 * schedule item beside it (schedule-store.ts): `get` reads both in one BatchGetItem and
 * merges them, `put` writes both in one transaction, `update` writes the connection item
 * alone. Items written by older versions may still hold `last_sync_time`, `next_sync_time`
 * and `due_shard` (and `probedAt` among the cursors): read as the schedule's until the
 * schedule item has its own, and removed by the next `put` (dispatch's claim moves the due time).
 */
import {
  DeleteCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DocumentClient,
} from './client';
import * as z from '../../core/shared/zod';
import { MFA_MAILBOX_FIELDS } from '../../core/shared/bridge-protocol';
import { ConnectionChangesSchema, ConnectionRecordSchema } from '../../core/shared/connection-record';
import {
  VersionConflictError,
  type ConnectionChanges,
  type ConnectionFence,
  type ConnectionRecord,
  type ConnectionStore,
  type ScheduleRecord,
} from '../../core/shared/ports';
import { SyncCursorsSchema } from '../../core/shared/sync-cursors';
import { batchGetAll } from './batch-get';
import { conditionally } from './conditional-write';
import { ScheduleItem, canonicalTime, dueOf, dueShardOf, scheduleKey, scheduleOf as scheduleRecordOf } from './schedule-store';

type ConnectionFields = ConnectionChanges;

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

/** The item attribute of a record field: its name in snake_case, the seed's convention (`isActive` → `is_active`). */
const attributeOf = (field: string): string => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

const RECORD_FIELDS = z.keyof(ConnectionRecordSchema).options;
/** What an update or a put writes: the record's fields but the key, the version and the schedule's. */
const CHANGEABLE_FIELDS = z.keyof(ConnectionChangesSchema).options;
/** Fields that may be absent from an item (optional in the record); every other one is required and cannot be removed. */
const OPTIONAL_FIELDS = new Set(CHANGEABLE_FIELDS.filter((field) => ConnectionRecordSchema.shape[field].safeParse(undefined).success));

/** A raw item: attributes by name (the record's are picked from it by attributeOf, the rest left alone). */
const Item = z.record(z.string(), z.unknown());

/** The connection item with its schedule item's fields, each the schedule's when it has one. */
const fromItem = (raw: unknown, rawSchedule?: unknown): ConnectionRecord => {
  const item = Item.parse(raw);
  const fields: Record<string, unknown> = Object.fromEntries(
    RECORD_FIELDS.flatMap((field) => (item[attributeOf(field)] === undefined ? [] : [[field, item[attributeOf(field)]]])),
  );
  const parsed = ConnectionRecordSchema.parse({ ...fields, cursors: fromLegacyCursorNames(fields.cursors) });
  const schedule = rawSchedule === undefined ? undefined : ScheduleItem.parse(rawSchedule);
  const lastSyncTime = schedule?.last_sync_time ?? parsed.lastSyncTime;
  const nextSyncTime = (schedule && dueOf(schedule)) ?? parsed.nextSyncTime;
  const probedAt = schedule?.probed_at ?? parsed.cursors.probedAt;
  const record: ConnectionRecord = { ...parsed, cursors: { ...parsed.cursors }, generation: parsed.generation ?? 0 };
  delete record.lastSyncTime;
  delete record.nextSyncTime;
  delete record.cursors.probedAt;
  return {
    ...record,
    ...(lastSyncTime ? { lastSyncTime } : {}),
    ...(nextSyncTime ? { nextSyncTime } : {}),
    cursors: { ...record.cursors, ...(probedAt ? { probedAt } : {}) },
  };
};

/** Every changeable field of the record, each key present, so a put REMOVEs the optional ones the record lacks. */
const changesOf = (record: ConnectionRecord): ConnectionFields => {
  const fields: ConnectionFields = {};
  for (const field of CHANGEABLE_FIELDS) Object.assign(fields, { [field]: record[field] });
  return fields;
};

const isField = (name: string): name is keyof ConnectionFields => Object.hasOwn(ConnectionChangesSchema.shape, name);

/**
 * The item attributes for the given fields: a field present with an undefined value maps
 * to undefined attributes, which the update REMOVEs.
 */
const attributesOf = (fields: ConnectionFields): Map<string, unknown> => {
  const attributes = new Map<string, unknown>();
  for (const [field, value] of Object.entries(fields)) {
    // `changes` may come from a spread record at run time: userId or version must not slip in.
    if (!isField(field)) throw new Error(`connection field ${field} cannot be changed`);
    if (value === undefined && !OPTIONAL_FIELDS.has(field)) throw new Error(`connection field ${field} cannot be removed`);
    attributes.set(attributeOf(field), value);
  }
  // Only the known cursors, checked: an unreadable map is refused here rather than on the next read.
  // The probe's time is the schedule item's (it moves on every probe).
  if (fields.cursors) {
    const cursors = SyncCursorsSchema.parse(fields.cursors);
    delete cursors.probedAt;
    attributes.set(attributeOf('cursors'), cursors);
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
    private readonly doc: DocumentClient,
    private readonly table: string,
    private readonly attemptsTable?: string,
  ) {}

  async get(userId: string): Promise<ConnectionRecord | undefined> {
    return (await this.getWithSchedule(userId)).connection;
  }

  async getWithSchedule(userId: string): Promise<{ connection?: ConnectionRecord; schedule?: ScheduleRecord }> {
    const items = await batchGetAll(this.doc, this.table, [{ user_id: userId }, scheduleKey(userId)], { consistentRead: true });
    const connection = items.find((item) => item.user_id === userId);
    const schedule = items.find((item) => item.user_id === scheduleKey(userId).user_id);
    return {
      ...(connection ? { connection: fromItem(connection, schedule) } : {}),
      ...(schedule ? { schedule: scheduleRecordOf(userId, schedule) } : {}),
    };
  }

  /**
   * Writes every field (removing optional ones the record lacks) as one update, so a
   * reconnect replaces the old connection atomically. The version keeps counting across
   * replacements instead of taking `record.version`: a sync still holding the replaced
   * record must fail its optimistic update, not overwrite the new tokens.
   */
  async put(record: ConnectionRecord, fence?: ConnectionFence): Promise<boolean> {
    const attributes = attributesOf(changesOf(record));
    // An older version's schedule on the connection item: the schedule item holds it from now on.
    for (const legacy of ['last_sync_time', 'next_sync_time', 'due_shard']) attributes.set(legacy, undefined);
    const update = updateExpression(attributes, 'if_not_exists(#version, :zero) + :one');
    const fenced = fence ? replacesCondition(fence.replaces) : undefined;
    const write = {
      TableName: this.table,
      Key: { user_id: record.userId },
      UpdateExpression: update.expression,
      ExpressionAttributeNames: { ...update.names, ...fenced?.names },
      ExpressionAttributeValues: { ...update.values, ...fenced?.values, ':zero': 0, ':one': 1 },
      ...(fenced ? { ConditionExpression: fenced.expression } : {}),
    };
    // One transaction: the connection with its schedule (the fetch log and a running sync's lease stay);
    // with an attempt, a disconnect erases the attempt before the connection, so either this write
    // sees the attempt running and the disconnect erases what it wrote, or it fails.
    const transaction = new TransactWriteCommand({
      TransactItems: [
        ...(fence?.attemptId === undefined ? [] : [{ ConditionCheck: this.attemptRunning(record.userId, fence.attemptId) }]),
        { Update: write },
        { Update: this.scheduleOf(record) },
      ],
    });
    return (await conditionally(this.doc.send(transaction))).written;
  }

  /** The schedule item's part of a put: due time, lastSyncTime and the probe's time as the record has them. */
  private scheduleOf(record: ConnectionRecord) {
    const schedule = new Map<string, unknown>([
      ['due_at', record.nextSyncTime === undefined ? undefined : canonicalTime(record.nextSyncTime)],
      ['next_sync_time', record.nextSyncTime === undefined ? undefined : canonicalTime(record.nextSyncTime)],
      ['due_shard', record.nextSyncTime === undefined ? undefined : dueShardOf(record.userId)],
      ['last_sync_time', record.lastSyncTime],
      ['probed_at', record.cursors.probedAt],
      // Connected again: syncs reschedule it.
      ['disconnected', undefined],
    ]);
    const sets = [...schedule].filter(([, value]) => value !== undefined);
    const removes = [...schedule].filter(([, value]) => value === undefined).map(([name]) => name);
    return {
      TableName: this.table,
      Key: scheduleKey(record.userId),
      UpdateExpression: [
        sets.length ? `SET ${sets.map(([name]) => `${name} = :${name}`).join(', ')}` : '',
        removes.length ? `REMOVE ${removes.join(', ')}` : '',
      ].join(' '),
      ...(sets.length ? { ExpressionAttributeValues: Object.fromEntries(sets.map(([name, value]) => [`:${name}`, value])) } : {}),
    };
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

  async update(userId: string, expectedVersion: number, changes: ConnectionFields): Promise<ConnectionRecord> {
    const update = updateExpression(attributesOf(changes), '#version + :one');
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
    // Unscheduled, and marked so that a sync still running releases its lease without rescheduling
    // (the lease stays with it: no sync of a new connection starts before it ends); the fetch log stays.
    // Left scheduled by a crash in between, dispatch's claim finds no connection and the sync unschedules it.
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: scheduleKey(userId),
          UpdateExpression: 'SET disconnected = :yes REMOVE due_at, next_sync_time, due_shard, last_sync_time, probed_at, read_at',
          ConditionExpression: 'attribute_exists(user_id)',
          ExpressionAttributeValues: { ':yes': true },
        }),
      ),
    );
    return Attributes !== undefined;
  }
}
