/**
 * Each user's change feed in the events table: `EVT#<sequence>` items holding one event
 * each, and a `SEQ` item holding the last sequence number handed out.
 *
 * Appending takes the next numbers and writes the events in one transaction conditioned
 * on the counter still being what was read, so a number is visible only together with its
 * event and numbers become visible in order: a reader that has seen n has seen everything
 * below n, which is what lets an app that only polls miss nothing. Concurrent appends of
 * one user (rare: a sync and a connect) retry on the lost race.
 *
 * The counter never expires and survives an erasure, so positions only ever increase and a
 * cursor from before a disconnect continues with what came after it.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, type DocumentClient } from '../dynamo/client';
import * as z from '../../core/shared/zod';
import { EVENT_LIMITS } from '../../core/events/rules';
import { type AppEvent, eventSchemas } from '../../core/events/schema';
import type { EventFeed, EventSink } from '../../core/shared/ports';
import { deletePartition } from '../dynamo/partition';
import { epochSeconds, sleep } from '../dynamo/time';
import { decodeFeedCursor, encodeFeedCursor } from './feed-cursor';

const SEQ_SK = 'SEQ';
const EVENT_PREFIX = 'EVT#';
/** Above every `EVT#<digits>` key: the end of the range of events. */
const EVENT_RANGE_END = 'EVT#~';
const key = (sequence: number): string => `${EVENT_PREFIX}${String(sequence).padStart(15, '0')}`;
/** TransactWriteItems takes 100 actions: the counter and 99 events. */
const EVENTS_PER_TRANSACTION = 99;
const MAX_APPEND_ROUNDS = 10;
/** Kept a day longer than a cursor lives, so no event a valid cursor may still reach is gone (TTL deletes lazily anyway). */
const ITEM_TTL_SECONDS = EVENT_LIMITS.feedRetentionSeconds + 24 * 3600;

const EventItem = z.object({ seq: z.number(), body: z.string() });

const lostRace = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'TransactionCanceledException' || error.name === 'TransactionConflictException');

export class DynamoEventFeed implements EventSink, EventFeed {
  constructor(
    private readonly doc: DocumentClient,
    private readonly table: string,
    private readonly clock: { now(): Date },
  ) {}

  async publish(userId: string, events: AppEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += EVENTS_PER_TRANSACTION) {
      await this.append(userId, events.slice(i, i + EVENTS_PER_TRANSACTION));
    }
  }

  private async append(userId: string, events: AppEvent[]): Promise<void> {
    const expiresAt = epochSeconds(this.clock.now()) + ITEM_TTL_SECONDS;
    for (let round = 1; ; round++) {
      const counter = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: { user_id: userId, sk: SEQ_SK }, ConsistentRead: true }),
      );
      const last = typeof counter.Item?.seq === 'number' ? counter.Item.seq : 0;
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.table,
                  Key: { user_id: userId, sk: SEQ_SK },
                  UpdateExpression: 'SET seq = :next',
                  ConditionExpression: counter.Item ? 'seq = :last' : 'attribute_not_exists(seq)',
                  ExpressionAttributeValues: { ':next': last + events.length, ...(counter.Item ? { ':last': last } : {}) },
                },
              },
              ...events.map((event, i) => ({
                Put: {
                  TableName: this.table,
                  Item: { user_id: userId, sk: key(last + 1 + i), seq: last + 1 + i, body: JSON.stringify(event), expires_at: expiresAt },
                },
              })),
            ],
          }),
        );
        return;
      } catch (error) {
        if (!lostRace(error) || round === MAX_APPEND_ROUNDS) throw error;
        await sleep(Math.random() * 20 * round);
      }
    }
  }

  async erase(userId: string): Promise<void> {
    await deletePartition(this.doc, this.table, { partitionKey: 'user_id', sortKey: 'sk' }, userId, { keep: [SEQ_SK] });
  }

  async read(userId: string, query: { cursor?: string; limit: number }, now: Date): Promise<{ items: AppEvent[]; nextCursor: string }> {
    const after = query.cursor ? decodeFeedCursor(query.cursor, userId, now, EVENT_LIMITS.feedRetentionSeconds) : 0;
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'user_id = :u AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':u': userId, ':from': key(after + 1), ':to': EVENT_RANGE_END },
        Limit: query.limit,
        // Strongly consistent: a committed append is seen whole, so no number is skipped.
        ConsistentRead: true,
      }),
    );
    const items = (page.Items ?? []).map((raw) => EventItem.parse(raw));
    const position = items.at(-1)?.seq ?? after;
    const { AppEvent } = eventSchemas();
    return { items: items.map((item) => AppEvent.parse(JSON.parse(item.body))), nextCursor: encodeFeedCursor(userId, position, now) };
  }
}
