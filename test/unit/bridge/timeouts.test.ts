import { describe, expect, it } from 'vitest';
import { timeoutFor, DEFAULT_BRIDGE_TIMEOUTS_MS } from '../../../functions/adapters/bridge/timeouts';

describe('bridge timeouts', () => {
  it('gives a login at least its MFA wait plus a margin', () => {
    expect(timeoutFor({ op: 'login', username: 'a', password: 'b' }, DEFAULT_BRIDGE_TIMEOUTS_MS)).toBe(6 * 60_000);
    const mfa = { userId: 'u', attemptId: 'a', waitSeconds: 900 };
    expect(timeoutFor({ op: 'login', username: 'a', password: 'b', mfa }, DEFAULT_BRIDGE_TIMEOUTS_MS)).toBe(960_000);
    expect(timeoutFor({ op: 'ping' }, { ...DEFAULT_BRIDGE_TIMEOUTS_MS, ping: 5 })).toBe(5);
  });
});
