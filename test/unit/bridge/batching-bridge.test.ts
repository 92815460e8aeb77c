import { describe, expect, it } from 'vitest';
import { BatchingBridge, type BatchCapableBridge, resultShare } from '../../../functions/adapters/bridge/batching-bridge';
import { BridgeTransportError } from '../../../functions/adapters/bridge/errors';
import { BRIDGE_LIMITS, type BatchRequest, type BatchResponse, type BridgeRequest, type BridgeResponse } from '../../../functions/core/shared/bridge-protocol';

const answer = (id: string | undefined, garminRequests = 1): BridgeResponse => ({
  id,
  ok: true,
  result: { displayName: id ?? null },
  tokens: null,
  tokensChanged: false,
  garminRequests,
  durationMs: 0,
});

/** Records what reaches the bridge function; answers every fetch with its own id. */
class FakeTransport implements BatchCapableBridge {
  readonly singles: BridgeRequest[] = [];
  readonly batches: BatchRequest[] = [];
  failBatch?: Error;
  refuseBatch = false;

  async call(request: BridgeRequest): Promise<BridgeResponse> {
    this.singles.push(request);
    return answer(request.id);
  }

  async callBatch(request: BatchRequest): Promise<BatchResponse> {
    this.batches.push(request);
    if (this.failBatch) throw this.failBatch;
    if (this.refuseBatch) return { ok: false, error: { code: 'INVALID_REQUEST', message: 'no' }, tokens: null, tokensChanged: false, garminRequests: 0, durationMs: 0 };
    // Answered in reverse: matched by id, not by position.
    return { ok: true, durationMs: 0, responses: request.calls.map((c) => answer(c.id)).reverse() };
  }
}

const fetch = (user: string): BridgeRequest => ({ op: 'fetch', tokens: `{"u":"${user}"}` });

/** A record's sync: it reads storage before it fetches, so every record of a batch has started by then. */
const syncOf = (bridge: BatchingBridge<FakeTransport>, user: string) => async (): Promise<BridgeResponse> => {
  await Promise.resolve();
  return bridge.call(fetch(user));
};

/** Records run during the bridge, each fetching once; their answers by user. */
const records = (bridge: BatchingBridge<FakeTransport>, users: string[]) =>
  Promise.all(users.map((user) => bridge.during(syncOf(bridge, user)).then((r) => [user, r] as const)));

describe('the batching bridge', () => {
  it('sends the fetches of the records in flight as one batch, each with its share of the result bytes', async () => {
    const transport = new FakeTransport();
    const bridge = new BatchingBridge(transport);

    const answered = await records(bridge, ['a', 'b', 'c']);

    expect(transport.singles).toEqual([]);
    expect(transport.batches).toHaveLength(1);
    const calls = transport.batches[0]?.calls ?? [];
    expect(calls.map((c) => c.tokens)).toEqual(['{"u":"a"}', '{"u":"b"}', '{"u":"c"}']);
    expect(calls.every((c) => c.maxResultBytes === resultShare(3))).toBe(true);
    expect(resultShare(3) * 3).toBeLessThanOrEqual(BRIDGE_LIMITS.maxResultBytes);
    // Each record gets the answer to its own call.
    for (const [, response] of answered) expect(calls.map((c) => c.id)).toContain(response.id);
    expect(new Set(answered.map(([, r]) => r.id)).size).toBe(3);
  });

  it('does not hold the fetches for a record that ended without one', async () => {
    const transport = new FakeTransport();
    const bridge = new BatchingBridge(transport);
    let release!: () => void;
    const slow = bridge.during(() => new Promise<void>((resolve) => (release = resolve)));
    const fetching = records(bridge, ['a']);
    // The fetch waits for the record still running ...
    await Promise.resolve();
    expect(transport.singles).toHaveLength(0);
    release();
    await slow;
    // ... which ended without a fetch: the one fetch goes alone, with the whole budget.
    await fetching;
    expect(transport.singles).toHaveLength(1);
    expect(transport.singles[0]).not.toHaveProperty('maxResultBytes');
    expect(transport.batches).toEqual([]);
  });

  it('splits more records than a batch holds', async () => {
    const transport = new FakeTransport();
    const bridge = new BatchingBridge(transport);
    const users = Array.from({ length: BRIDGE_LIMITS.maxBatchCalls + 2 }, (_, i) => `u${i}`);

    await records(bridge, users);

    expect(transport.batches.map((b) => b.calls.length)).toEqual([BRIDGE_LIMITS.maxBatchCalls, 2]);
  });

  it('sends a batch after maxWaitMs even if a record never reaches the bridge', async () => {
    const transport = new FakeTransport();
    const bridge = new BatchingBridge(transport, { maxWaitMs: 10 });
    void bridge.during(() => new Promise(() => undefined));

    await records(bridge, ['a', 'b']);

    expect(transport.batches.map((b) => b.calls.length)).toEqual([2]);
  });

  it('lets every other operation through alone, at once', async () => {
    const transport = new FakeTransport();
    const bridge = new BatchingBridge(transport);
    const login: BridgeRequest = { op: 'login', username: 'a@example.com', password: 'x' };

    await bridge.during(() => bridge.call(login));

    expect(transport.singles).toEqual([login]);
  });

  it('fails every call of an invocation that failed, and answers each with a batch the bridge refused', async () => {
    const transport = new FakeTransport();
    const bridge = new BatchingBridge(transport);
    transport.failBatch = new BridgeTransportError('process-exited', 'gone');
    const failed = await Promise.allSettled(['a', 'b'].map((u) => bridge.during(syncOf(bridge, u))));
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);

    transport.failBatch = undefined;
    transport.refuseBatch = true;
    const refused = await records(bridge, ['a', 'b']);
    expect(refused.map(([, r]) => r.ok)).toEqual([false, false]);
  });
});
