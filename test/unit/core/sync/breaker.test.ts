import { describe, expect, it } from 'vitest';
import type { BreakerRecord } from '../../../../functions/core/shared/ports';
import { type BreakerPolicy, breakerState, cooldownSeconds, reportBuckets, tripOnRateLimited } from '../../../../functions/core/sync/breaker';

const POLICY: BreakerPolicy = {
  tripUsers: 10,
  halfOpenTripUsers: 3,
  windowSeconds: 60,
  cooldownSeconds: 300,
  maxCooldownSeconds: 1200,
  halfOpenFractions: [0.1, 0.25, 0.5],
  halfOpenStepSeconds: 300,
};

const T0 = new Date('2026-11-23T12:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('circuit breaker transitions', () => {
  it('stays closed while fewer users than the threshold were rate-limited', () => {
    expect(breakerState(undefined, T0, POLICY)).toEqual({ state: 'closed', fraction: 1 });
    expect(tripOnRateLimited(undefined, 9, T0, POLICY)).toBeUndefined();
  });

  it('closed → open when enough distinct users were rate-limited within the window', () => {
    const tripped = tripOnRateLimited(undefined, 10, T0, POLICY);
    expect(tripped).toEqual({ openedAt: T0.toISOString(), reopenAt: at(300).toISOString(), trips: 1, version: 1 });
    expect(breakerState(tripped, at(299), POLICY)).toMatchObject({ state: 'open', fraction: 0 });
    // Open: more reports change nothing.
    expect(tripOnRateLimited(tripped, 50, at(10), POLICY)).toBeUndefined();
  });

  it('open → half-open after the cool-down, letting a growing fraction through, then closed', () => {
    const tripped = tripOnRateLimited(undefined, 10, T0, POLICY) as BreakerRecord;
    expect(breakerState(tripped, at(300), POLICY)).toMatchObject({ state: 'half_open', fraction: 0.1, step: 0 });
    expect(breakerState(tripped, at(600), POLICY)).toMatchObject({ state: 'half_open', fraction: 0.25, step: 1 });
    expect(breakerState(tripped, at(1199), POLICY)).toMatchObject({ state: 'half_open', fraction: 0.5, step: 2 });
    expect(breakerState(tripped, at(1200), POLICY)).toEqual({ state: 'closed', fraction: 1 });
  });

  it('half-open → open again on fewer 429s, with a doubled cool-down (capped)', () => {
    const first = tripOnRateLimited(undefined, 10, T0, POLICY) as BreakerRecord;
    expect(tripOnRateLimited(first, 2, at(310), POLICY)).toBeUndefined();
    const second = tripOnRateLimited(first, 3, at(310), POLICY) as BreakerRecord;
    expect(second).toMatchObject({ trips: 2, version: 2, reopenAt: at(310 + 600).toISOString() });
    expect(breakerState(second, at(400), POLICY).state).toBe('open');
    const third = tripOnRateLimited(second, 3, at(920), POLICY) as BreakerRecord;
    expect(third.trips).toBe(3);
    expect(Date.parse(third.reopenAt) - at(920).getTime()).toBe(1200_000);
    expect(cooldownSeconds(10, POLICY)).toBe(1200);
  });

  it('after closing fully, the next trip starts again from the base cool-down', () => {
    const first = tripOnRateLimited(undefined, 10, T0, POLICY) as BreakerRecord;
    const second = tripOnRateLimited(first, 3, at(310), POLICY) as BreakerRecord;
    const closedAt = Date.parse(second.reopenAt) / 1000 - T0.getTime() / 1000 + 900;
    expect(breakerState(second, at(closedAt), POLICY).state).toBe('closed');
    expect(tripOnRateLimited(second, 9, at(closedAt + 1), POLICY)).toBeUndefined();
    const again = tripOnRateLimited(second, 10, at(closedAt + 1), POLICY) as BreakerRecord;
    expect(again).toMatchObject({ trips: 1, version: 3, reopenAt: at(closedAt + 1 + 300).toISOString() });
  });

  it('counts reports in the current and the previous window-sized bucket', () => {
    const { current, counted } = reportBuckets(at(90), POLICY);
    expect(current).toEqual(at(60));
    expect(counted).toEqual([at(60), at(0)]);
  });
});
