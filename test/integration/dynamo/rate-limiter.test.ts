import { GetCommand } from '../../../functions/adapters/dynamo/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoRateLimiter } from '../../../functions/adapters/dynamo/rate-limiter';
import { LIMITS } from '../../../functions/core/shared/limits';
import type { RateLogKey, RateRule } from '../../../functions/core/shared/ports';
import { createTestTables, type TestTables } from './tables';

let tables: TestTables;
let limiter: DynamoRateLimiter;

beforeAll(async () => {
  tables = await createTestTables();
  limiter = new DynamoRateLimiter(tables.doc, tables.names.data);
});

const t0 = new Date('2026-03-01T10:00:00Z');
const HOUR = LIMITS.rateWindowSeconds;
const AUTH: RateRule = { limit: LIMITS.authCallsPerHour, windowSeconds: HOUR };
const ACCOUNT_LOGIN: RateRule = { limit: LIMITS.garminAccountLoginsPerHour, windowSeconds: HOUR };
const auth = (subject: string): RateLogKey => ({ scope: 'user', subject, kind: 'auth' });
const logins = (subject: string): RateLogKey => ({ scope: 'user', subject, kind: 'login' });
const atMinutes = (minutes: number, seconds = 0) => new Date(t0.getTime() + (minutes * 60 + seconds) * 1000);

describe('DynamoRateLimiter', () => {
  it('allows 5 auth calls an hour, then refuses with the time until the oldest leaves the window', async () => {
    const userId = 'auth-user';
    expect(await limiter.peek(auth(userId), AUTH, t0)).toEqual({ allowed: true });
    for (let i = 0; i < LIMITS.authCallsPerHour; i++) {
      expect(await limiter.take(auth(userId), AUTH, atMinutes(i * 10))).toEqual({ allowed: true });
    }
    // Calls at 0, 10, 20, 30 and 40 minutes; at 45 the first frees a slot in 15 minutes.
    expect(await limiter.take(auth(userId), AUTH, atMinutes(45))).toEqual({ allowed: false, retryAfterSeconds: 900 });
    expect(await limiter.peek(auth(userId), AUTH, atMinutes(45))).toEqual({ allowed: false, retryAfterSeconds: 900 });
    // Other kinds are counted separately.
    expect(await limiter.take(logins(userId), ACCOUNT_LOGIN, atMinutes(45))).toEqual({ allowed: true });

    const item = await tables.doc.send(
      new GetCommand({ TableName: tables.names.data, Key: { user_id: `__rate__#user#${userId}`, sk: 'RATE#auth' }, ConsistentRead: true }),
    );
    expect(item.Item?.calls).toHaveLength(LIMITS.authCallsPerHour);
    // The item outlives its newest call by the window, then TTL may take it.
    expect(item.Item?.expires_at).toBe(Math.ceil(atMinutes(100).getTime() / 1000));
  });

  it('slides: a call older than an hour frees its slot, and only that one', async () => {
    const userId = 'sliding-user';
    for (let i = 0; i < LIMITS.authCallsPerHour; i++) await limiter.take(auth(userId), AUTH, atMinutes(i * 10));

    expect(await limiter.take(auth(userId), AUTH, atMinutes(59, 59))).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(await limiter.take(auth(userId), AUTH, atMinutes(60, 1))).toEqual({ allowed: true });
    // The slot is used again; the next one frees when the 10-minute call expires.
    expect(await limiter.take(auth(userId), AUTH, atMinutes(60, 2))).toEqual({ allowed: false, retryAfterSeconds: 598 });
    // A fraction of a second still rounds up to a whole one.
    expect(await limiter.peek(auth(userId), AUTH, new Date(atMinutes(70).getTime() - 300))).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
    });
    expect(await limiter.peek(auth(userId), AUTH, atMinutes(70, 1))).toEqual({ allowed: true });
    // Long after, the whole log has expired although its item may still exist.
    for (let i = 0; i < LIMITS.authCallsPerHour; i++) {
      expect(await limiter.take(auth(userId), AUTH, atMinutes(300, i))).toEqual({ allowed: true });
    }
  });

  it('lets exactly 5 of 20 concurrent auth calls through', async () => {
    const userId = 'concurrent-user';
    const decisions = await Promise.all(Array.from({ length: 20 }, () => limiter.take(auth(userId), AUTH, t0)));

    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(LIMITS.authCallsPerHour);
    for (const decision of decisions.filter((d) => !d.allowed)) {
      expect(decision).toEqual({ allowed: false, retryAfterSeconds: LIMITS.rateWindowSeconds });
    }
    expect(await limiter.peek(auth(userId), AUTH, t0)).toEqual({ allowed: false, retryAfterSeconds: LIMITS.rateWindowSeconds });
  });

  it('keeps one log per scope and subject, each with its own rule', async () => {
    const account: RateLogKey = { scope: 'garmin_account', subject: 'scoped-user', kind: 'auth' };
    const single: RateRule = { limit: 1, windowSeconds: 60 };
    expect(await limiter.take(account, single, t0)).toEqual({ allowed: true });
    expect(await limiter.take(account, single, atMinutes(0, 30))).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(await limiter.take(account, single, atMinutes(1, 1))).toEqual({ allowed: true });
    expect(await limiter.peek(auth('scoped-user'), AUTH, atMinutes(1, 1))).toEqual({ allowed: true });
  });

  it('lets exactly the limit of 20 concurrent calls through', async () => {
    const decisions = await Promise.all(Array.from({ length: 20 }, () => limiter.take(logins('login-user'), ACCOUNT_LOGIN, t0)));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(LIMITS.garminAccountLoginsPerHour);
  });
});
