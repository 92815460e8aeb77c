/**
 * The service-wide Garmin protection state, in a reserved partition of the data table,
 * `user_id = "__system__"` (the table already has the TTL attribute, and the functions that
 * need this state already reach it):
 *
 * - `BUDGET#<window start>`  `used`: Garmin requests counted in that minute (atomic
 *   conditional increments), TTL an hour after the window;
 * - `BREAKER`                the circuit breaker's last trip (see core/sync/breaker.ts), TTL
 *   after it has fully closed again;
 * - `RL429#<bucket start>`   `users`: a string set of users Garmin answered 429 in that
 *   bucket (bounded), TTL two buckets later;
 * - `LOGIN_BLOCK`            until when Garmin's SSO refuses this service's logins
 *   (core/connect/login-gate.ts), TTL well after that so consecutive blocks lengthen.
 *
 * The partition is one item per minute for the budget, written by dispatch a few times per
 * run plus the syncs that used more than dispatch reserved: far below a partition's limits.
 */
import { GetCommand, PutCommand, UpdateCommand, type DocumentClient } from './client';
import * as z from '../../core/shared/zod';
import type { BreakerRecord, GarminGuardStore, LoginBlock } from '../../core/shared/ports';
import { conditionally } from './conditional-write';
import { RESERVED_PARTITION_PREFIX } from '../../core/shared/reserved-partitions';
import { TABLES } from './tables';
import { epochSeconds } from './time';

/** The partition of the data table that holds no user's data. */
export const SYSTEM_PARTITION = `${RESERVED_PARTITION_PREFIX}system__`;

export const SYSTEM_SK = {
  budget: 'BUDGET#',
  breaker: 'BREAKER',
  rateLimited: 'RL429#',
  loginBlock: 'LOGIN_BLOCK',
} as const;

const TTL = TABLES.data.ttlAttribute;
/** Budget windows are kept this long after they end (for dashboards and debugging). */
const BUDGET_KEEP_SECONDS = 3600;
/** A report bucket holds at most this many users: enough to trip any sensible threshold, far below 400 KB. */
const MAX_REPORTED_USERS = 1000;
const MAX_RESERVE_ATTEMPTS = 8;

const LoginBlockItem = z.object({ until: z.string(), strikes: z.int() });

const BreakerItem = z.object({
  opened_at: z.string(),
  reopen_at: z.string(),
  trips: z.int(),
  version: z.int(),
});

/** `Item` of a ConditionalCheckFailedException (ReturnValuesOnConditionCheckFailure), still marshalled. */
const usedOnFailure = (error: unknown): number | undefined => {
  const item = (error as { Item?: Record<string, unknown> }).Item;
  const used = item?.used;
  if (typeof used === 'number') return used;
  if (used && typeof used === 'object' && 'N' in used) return Number((used as { N: string }).N);
  return undefined;
};

export class DynamoGarminGuardStore implements GarminGuardStore {
  constructor(
    private readonly doc: DocumentClient,
    private readonly table: string,
  ) {}

  private key(sk: string) {
    return { user_id: SYSTEM_PARTITION, sk };
  }

  private budgetKey(windowStart: Date) {
    return this.key(`${SYSTEM_SK.budget}${windowStart.toISOString()}`);
  }

  private budgetTtl(windowStart: Date): number {
    return epochSeconds(windowStart) + 60 + BUDGET_KEEP_SECONDS;
  }

  async reserve(windowStart: Date, requests: number, limit: number, options: { partial?: boolean } = {}): Promise<number> {
    let want = options.partial ? Math.min(requests, limit) : requests;
    if (!Number.isInteger(want) || want <= 0 || want > limit) return 0;
    for (let attempt = 0; attempt < MAX_RESERVE_ATTEMPTS; attempt++) {
      const reserved = await conditionally(
        this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: this.budgetKey(windowStart),
            UpdateExpression: 'SET #used = if_not_exists(#used, :zero) + :n, #ttl = :ttl',
            // Atomic: the increment happens only while it keeps the window within the limit.
            ConditionExpression: 'attribute_not_exists(#used) OR #used <= :max',
            ExpressionAttributeNames: { '#used': 'used', '#ttl': TTL },
            ExpressionAttributeValues: { ':zero': 0, ':n': want, ':max': limit - want, ':ttl': this.budgetTtl(windowStart) },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      if (reserved.written) return want;
      if (!options.partial) return 0;
      const used = usedOnFailure(reserved.refusal) ?? (await this.used(windowStart));
      // What is left; another dispatcher may take it first, then try again with less.
      want = Math.min(want, limit - used);
      if (want <= 0) return 0;
    }
    return 0;
  }

  async charge(windowStart: Date, requests: number): Promise<void> {
    if (requests === 0) return;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.budgetKey(windowStart),
        UpdateExpression: 'SET #ttl = :ttl ADD #used :n',
        ExpressionAttributeNames: { '#used': 'used', '#ttl': TTL },
        ExpressionAttributeValues: { ':n': requests, ':ttl': this.budgetTtl(windowStart) },
      }),
    );
  }

  async used(windowStart: Date): Promise<number> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: this.budgetKey(windowStart), ConsistentRead: true }),
    );
    return typeof Item?.used === 'number' ? Item.used : 0;
  }

  async readLoginBlock(): Promise<LoginBlock | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: this.key(SYSTEM_SK.loginBlock), ConsistentRead: true }));
    return Item ? LoginBlockItem.parse(Item) : undefined;
  }

  async writeLoginBlock(block: LoginBlock, expiresAt: Date): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...this.key(SYSTEM_SK.loginBlock), until: block.until, strikes: block.strikes, [TTL]: epochSeconds(expiresAt) },
      }),
    );
  }

  async readBreaker(): Promise<BreakerRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: this.key(SYSTEM_SK.breaker), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const item = BreakerItem.parse(Item);
    return { openedAt: item.opened_at, reopenAt: item.reopen_at, trips: item.trips, version: item.version };
  }

  async writeBreaker(record: BreakerRecord, expectedVersion: number | undefined, expiresAt: Date): Promise<boolean> {
    const { written } = await conditionally(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...this.key(SYSTEM_SK.breaker),
            opened_at: record.openedAt,
            reopen_at: record.reopenAt,
            trips: record.trips,
            version: record.version,
            [TTL]: epochSeconds(expiresAt),
          },
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(sk)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      ),
    );
    return written;
  }

  async reportRateLimited(userId: string, bucketStart: Date, countBuckets: Date[], expiresAt: Date): Promise<number> {
    const bucketSk = (start: Date) => `${SYSTEM_SK.rateLimited}${start.toISOString()}`;
    const users = new Set<string>();
    const reported = await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(bucketSk(bucketStart)),
          UpdateExpression: 'SET #ttl = :ttl ADD #users :user',
          ConditionExpression: 'attribute_not_exists(#users) OR size(#users) < :cap',
          ExpressionAttributeNames: { '#users': 'users', '#ttl': TTL },
          ExpressionAttributeValues: { ':user': new Set([userId]), ':ttl': epochSeconds(expiresAt), ':cap': MAX_REPORTED_USERS },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    // Refused: the bucket is full, which is as many users as anyone would count.
    if (!reported.written) return MAX_REPORTED_USERS;
    for (const user of (reported.output.Attributes?.users as Set<string> | undefined) ?? []) users.add(user);
    for (const other of countBuckets.filter((b) => b.getTime() !== bucketStart.getTime())) {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: this.key(bucketSk(other)), ConsistentRead: true }),
      );
      for (const user of (Item?.users as Set<string> | undefined) ?? []) users.add(user);
    }
    return users.size;
  }
}
