/**
 * Garmin call limits per user: a sliding one-hour log per kind, the `RATE#auth` and
 * `RATE#fetch` items of the user's data partition, holding the times (epoch ms) of the
 * calls within the window and a version. A take is read, prune, decide, then a write
 * conditioned on the version read, retried on conflict: exact under concurrency, and
 * without the burst at a fixed window's edge that would let 2x the limit through.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { LIMITS } from '../../core/limits';
import type { GarminGuardStore, RateDecision, RateLimiter, RateLimitKind } from '../../core/ports';
import { isConditionalCheckFailed } from './errors';
import { DynamoGarminGuardStore } from './garmin-guard-store';
import { DATA_SK, TABLES } from './tables';
import { sleep } from './time';

const TTL = TABLES.data.ttlAttribute;
const WINDOW_MS = LIMITS.rateWindowSeconds * 1000;
const LIMIT: Record<RateLimitKind, number> = { auth: LIMITS.authCallsPerHour, fetch: LIMITS.fetchesPerHour };
/** Every conflict is another take's success, so while the window is full a take settles within limit + 1 attempts. */
const MAX_ATTEMPTS = 32;
const MAX_JITTER_MS = 20;

const RateItem = z.object({ calls: z.array(z.number()), version: z.number().int() });

interface RateLog {
  /** Calls inside the window, oldest first. */
  calls: number[];
  /** Version of the stored item; undefined when there is none. */
  version?: number;
}

/** Allowed while under the limit; otherwise wait until enough old calls leave the window. */
const decide = (calls: number[], limit: number, nowMs: number): RateDecision => {
  if (calls.length < limit) return { allowed: true };
  const freesSlot = calls[calls.length - limit] ?? nowMs;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freesSlot + WINDOW_MS - nowMs) / 1000)) };
};

export class DynamoRateLimiter implements RateLimiter {
  /** The service-wide budget and breaker, in the same table's `__system__` partition. */
  readonly global: GarminGuardStore;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.global = new DynamoGarminGuardStore(doc, table);
  }

  async take(userId: string, kind: RateLimitKind, now: Date): Promise<RateDecision> {
    const nowMs = now.getTime();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const log = await this.read(userId, kind, nowMs);
      const decision = decide(log.calls, LIMIT[kind], nowMs);
      if (!decision.allowed) return decision;
      if (await this.write(userId, kind, [...log.calls, nowMs].sort((a, b) => a - b), log.version)) return decision;
      await sleep(Math.random() * MAX_JITTER_MS);
    }
    // Still contended after every retry: refuse (never over-admit) and let the caller retry shortly.
    return { allowed: false, retryAfterSeconds: 1 };
  }

  async peek(userId: string, kind: RateLimitKind, now: Date): Promise<RateDecision> {
    const nowMs = now.getTime();
    return decide((await this.read(userId, kind, nowMs)).calls, LIMIT[kind], nowMs);
  }

  /** The log pruned to the window: TTL deletion runs late, so every read expires entries itself. */
  private async read(userId: string, kind: RateLimitKind, nowMs: number): Promise<RateLog> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { user_id: userId, sk: `${DATA_SK.rateLimit}${kind}` }, ConsistentRead: true }),
    );
    if (!Item) return { calls: [] };
    const item = RateItem.parse(Item);
    return {
      calls: item.calls.filter((call) => call > nowMs - WINDOW_MS).sort((a, b) => a - b),
      version: item.version,
    };
  }

  /** Replaces the log if nobody wrote it since it was read; false on a lost race. */
  private async write(userId: string, kind: RateLimitKind, calls: number[], readVersion: number | undefined): Promise<boolean> {
    const newest = calls.at(-1) ?? 0;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            user_id: userId,
            sk: `${DATA_SK.rateLimit}${kind}`,
            calls,
            version: (readVersion ?? 0) + 1,
            [TTL]: Math.ceil((newest + WINDOW_MS) / 1000),
          },
          ...(readVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(sk)' }
            : {
                ConditionExpression: '#version = :read',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':read': readVersion },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
