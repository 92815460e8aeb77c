/**
 * Idempotency-Keys of writes: `IDEM#<key>` in the partition `__idem__#<userId>` of the data
 * table (tables.ts), claimed by a conditional put and kept LIMITS.idempotencyKeySeconds (TTL).
 * The claim never overwrites: a key is one write, whatever happens to the first request.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DocumentClient } from './client';
import * as z from '../../core/shared/zod';
import { LIMITS } from '../../core/shared/limits';
import type { IdempotencyRecord, IdempotencyStore, WriteOutcome } from '../../core/shared/ports';
import { conditionally } from './conditional-write';
import { DATA_SK, IDEMPOTENCY_PARTITION_PREFIX, TABLES } from './tables';
import { epochSeconds } from './time';

const TTL = TABLES.data.ttlAttribute;

const StoredKey = z.object({
  fingerprint: z.string(),
  [TTL]: z.number(),
  outcome: z.optional(z.object({ status: z.int(), body: z.record(z.string(), z.unknown()) })),
});

export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly doc: DocumentClient,
    private readonly table: string,
  ) {}

  private key(userId: string, key: string) {
    return { user_id: `${IDEMPOTENCY_PARTITION_PREFIX}${userId}`, sk: `${DATA_SK.idempotencyKey}${key}` };
  }

  async claim(userId: string, key: string, fingerprint: string, now: Date): Promise<IdempotencyRecord | undefined> {
    const nowSeconds = epochSeconds(now);
    const claimed = await conditionally(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...this.key(userId, key), fingerprint, [TTL]: nowSeconds + LIMITS.idempotencyKeySeconds },
          // Free, or expired and not yet removed by TTL deletion.
          ConditionExpression: 'attribute_not_exists(sk) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': TTL },
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      ),
    );
    if (claimed.written) return undefined;
    const held = await this.doc.send(new GetCommand({ TableName: this.table, Key: this.key(userId, key), ConsistentRead: true }));
    const item = StoredKey.parse(held.Item);
    return { fingerprint: item.fingerprint, ...(item.outcome ? { outcome: item.outcome } : {}) };
  }

  async complete(userId: string, key: string, outcome: WriteOutcome): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.key(userId, key),
        UpdateExpression: 'SET outcome = :outcome',
        ExpressionAttributeValues: { ':outcome': outcome },
      }),
    );
  }

  async release(userId: string, key: string): Promise<void> {
    await conditionally(
      this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: this.key(userId, key),
          // Only a claim without an answer: an answered key is never freed.
          ConditionExpression: 'attribute_not_exists(outcome)',
        }),
      ),
    );
  }
}
