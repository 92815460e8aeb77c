/**
 * Sliding logs of calls (functions/core/shared/call-limits.ts decides which and how many):
 * one item per log, `RATE#<kind>` in the partition `__rate__#<scope>#<subject>` of the data
 * table, outside every user's data so that erasing a user (DELETE /garmin/connection) does
 * not reset them. An item holds the times (epoch ms) of the calls within the window and a
 * version. A take is read, prune, decide, then a write conditioned on the version read,
 * retried on conflict: exact under concurrency, and without the burst at a fixed window's
 * edge that would let 2x the limit through.
 */
import { GetCommand, PutCommand, type DocumentClient } from './client';
import * as z from '../../core/shared/zod';
import { decideWindow } from '../../core/shared/call-limits';
import type { RateDecision, RateLimiter, RateLogKey, RateRule } from '../../core/shared/ports';
import { conditionally } from './conditional-write';
import { DATA_SK, TABLES, ratePartition } from './tables';
import { sleep } from './time';

const TTL = TABLES.data.ttlAttribute;
/** Every conflict is another take's success, so while the window is full a take settles within limit + 1 attempts. */
const MAX_ATTEMPTS = 32;
const MAX_JITTER_MS = 20;

const RateItem = z.object({ calls: z.array(z.number()), version: z.int() });

interface RateLog {
  /** Calls inside the window, oldest first. */
  calls: number[];
  /** Version of the stored item; undefined when there is none. */
  version?: number;
}

const itemKey = (key: RateLogKey) => ({ user_id: ratePartition(key.scope, key.subject), sk: `${DATA_SK.rateLimit}${key.kind}` });

export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly doc: DocumentClient,
    private readonly table: string,
  ) {}

  async take(key: RateLogKey, rule: RateRule, now: Date): Promise<RateDecision> {
    const nowMs = now.getTime();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const log = await this.read(key, rule, nowMs);
      const decision = decideWindow(log.calls, rule, nowMs);
      if (!decision.allowed) return decision;
      if (await this.write(key, rule, [...log.calls, nowMs].sort((a, b) => a - b), log.version)) return decision;
      await sleep(Math.random() * MAX_JITTER_MS);
    }
    // Still contended after every retry: refuse (never over-admit) and let the caller retry shortly.
    return { allowed: false, retryAfterSeconds: 1 };
  }

  async peek(key: RateLogKey, rule: RateRule, now: Date): Promise<RateDecision> {
    const nowMs = now.getTime();
    return decideWindow((await this.read(key, rule, nowMs)).calls, rule, nowMs);
  }

  /** The log pruned to the window: TTL deletion runs late, so every read expires entries itself. */
  private async read(key: RateLogKey, rule: RateRule, nowMs: number): Promise<RateLog> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: itemKey(key), ConsistentRead: true }));
    if (!Item) return { calls: [] };
    const item = RateItem.parse(Item);
    return {
      calls: item.calls.filter((call) => call > nowMs - rule.windowSeconds * 1000).sort((a, b) => a - b),
      version: item.version,
    };
  }

  /** Replaces the log if nobody wrote it since it was read; false on a lost race. */
  private async write(key: RateLogKey, rule: RateRule, calls: number[], readVersion: number | undefined): Promise<boolean> {
    const newest = calls.at(-1) ?? 0;
    const { written } = await conditionally(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...itemKey(key),
            calls,
            version: (readVersion ?? 0) + 1,
            [TTL]: Math.ceil((newest + rule.windowSeconds * 1000) / 1000),
          },
          ...(readVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(sk)' }
            : {
                ConditionExpression: '#version = :read',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':read': readVersion },
              }),
        }),
      ),
    );
    return written;
  }
}
