import { describe, expect, it } from 'vitest';
import { DEADLINE_MARGIN_MS, DeadlineBridge, withDeadline } from '../../../functions/adapters/bridge/deadline';
import { DEFAULT_BRIDGE_TIMEOUTS_MS } from '../../../functions/adapters/bridge/timeouts';
import type { BridgeRequest, BridgeResponse } from '../../../functions/core/shared/bridge-protocol';

const NOW = 1_800_000_000_000;

describe('the caller deadline on bridge calls', () => {
  it('ends before the transport gives up, by the margin', () => {
    const fetch = withDeadline({ op: 'fetch', tokens: '{}' }, DEFAULT_BRIDGE_TIMEOUTS_MS, NOW);
    expect(fetch).toMatchObject({ deadlineMs: NOW + DEFAULT_BRIDGE_TIMEOUTS_MS.fetch - DEADLINE_MARGIN_MS });
  });

  it("leaves a login with MFA its whole wait, and keeps a caller's earlier deadline", () => {
    const login = withDeadline(
      { op: 'login', username: 'a@example.com', password: 'x', mfa: { userId: 'u', attemptId: 'a', waitSeconds: 600 } },
      DEFAULT_BRIDGE_TIMEOUTS_MS,
      NOW,
    );
    expect((login as { deadlineMs: number }).deadlineMs).toBeGreaterThanOrEqual(NOW + 600_000);
    expect(withDeadline({ op: 'verify', tokens: '{}', deadlineMs: NOW + 5 }, DEFAULT_BRIDGE_TIMEOUTS_MS, NOW)).toMatchObject({ deadlineMs: NOW + 5 });
    expect(withDeadline({ op: 'ping' }, DEFAULT_BRIDGE_TIMEOUTS_MS, NOW)).toEqual({ op: 'ping' });
  });

  it('stamps every call that goes through the bridge', async () => {
    const seen: BridgeRequest[] = [];
    const transport = {
      call: async (request: BridgeRequest): Promise<BridgeResponse> => {
        seen.push(request);
        return { ok: false, error: { code: 'INTERNAL', message: 'x' }, tokens: null, tokensChanged: false, garminRequests: 0, durationMs: 0 };
      },
      callBatch: () => Promise.reject(new Error('not batched here')),
      close: async () => undefined,
    };
    const before = Date.now();
    await new DeadlineBridge(transport, DEFAULT_BRIDGE_TIMEOUTS_MS).call({ op: 'fetch', tokens: '{}' });
    const deadline = (seen[0] as { deadlineMs?: number }).deadlineMs ?? 0;
    expect(deadline).toBeGreaterThanOrEqual(before + DEFAULT_BRIDGE_TIMEOUTS_MS.fetch - DEADLINE_MARGIN_MS);
    expect(deadline).toBeLessThanOrEqual(Date.now() + DEFAULT_BRIDGE_TIMEOUTS_MS.fetch - DEADLINE_MARGIN_MS);
  });
});
