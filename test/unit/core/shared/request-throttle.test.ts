import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../functions/core/shared/errors';
import { LIMITS } from '../../../../functions/core/shared/limits';
import type { ApiRequestKind, RequestCounter } from '../../../../functions/core/shared/ports';
import { RequestThrottle } from '../../../../functions/core/shared/request-throttle';

const NOW = new Date('2026-11-30T12:00:45.500Z');

/** Counts in memory what the DynamoDB counter counts; `full` windows refuse. */
class FakeCounter implements RequestCounter {
  readonly takes: Array<{ userId: string; kind: ApiRequestKind; windowStart: string; windowSeconds: number; limit: number }> = [];
  constructor(private readonly full = false) {}
  async take(userId: string, kind: ApiRequestKind, windowStart: Date, windowSeconds: number, limit: number): Promise<boolean> {
    this.takes.push({ userId, kind, windowStart: windowStart.toISOString(), windowSeconds, limit });
    return !this.full;
  }
}

const throttle = (counter: RequestCounter, apiRequestLimits?: { read: number; change: number }) =>
  new RequestThrottle({ clock: { now: () => NOW }, requestCounter: counter, ...(apiRequestLimits ? { apiRequestLimits } : {}) });

describe('RequestThrottle', () => {
  it('counts a GET as a read and anything else as a change, in the minute the request falls in', async () => {
    const counter = new FakeCounter();
    await throttle(counter).admit('u1', 'GET /garmin/activities');
    await throttle(counter).admit('u1', 'DELETE /garmin/connection');
    expect(counter.takes).toEqual([
      { userId: 'u1', kind: 'read', windowStart: '2026-11-30T12:00:00.000Z', windowSeconds: LIMITS.apiThrottleWindowSeconds, limit: LIMITS.apiRequestsPerWindow.read },
      { userId: 'u1', kind: 'change', windowStart: '2026-11-30T12:00:00.000Z', windowSeconds: LIMITS.apiThrottleWindowSeconds, limit: LIMITS.apiRequestsPerWindow.change },
    ]);
  });

  it('refuses a full window with TOO_MANY_REQUESTS and the time to its end', async () => {
    const refusal = await throttle(new FakeCounter(true)).admit('u1', 'POST /garmin/sync').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 429, retryAfterSeconds: 14.5 });
  });

  it('takes the limits the runtime sets', async () => {
    const counter = new FakeCounter();
    await throttle(counter, { read: 7, change: 3 }).admit('u1', 'GET /garmin/profile');
    expect(counter.takes[0]?.limit).toBe(7);
  });
});
