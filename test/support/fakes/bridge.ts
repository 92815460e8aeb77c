/** A bridge that answers from a script, one answer per call, and records what it was asked. */
import type { BridgeError, BridgeRequest, BridgeResponse, BridgeSuccess, FetchResult } from '../../../functions/core/shared/bridge-protocol';
import type { GarminBridge } from '../../../functions/core/shared/ports';

type Op = BridgeRequest['op'];

export class ScriptedBridge implements GarminBridge {
  readonly requests: BridgeRequest[] = [];
  private readonly script: Array<{ op: Op; response: BridgeResponse; meanwhile?: () => Promise<unknown> }> = [];

  /** Queues the answer to the next call of `op`; `meanwhile` runs while Garmin answers (a disconnect, say). */
  answer(op: Op, response: BridgeResponse, meanwhile?: () => Promise<unknown>): this {
    this.script.push({ op, response, ...(meanwhile ? { meanwhile } : {}) });
    return this;
  }

  async call(request: BridgeRequest): Promise<BridgeResponse> {
    this.requests.push(request);
    const index = this.script.findIndex((s) => s.op === request.op);
    const next = this.script.splice(index, index < 0 ? 0 : 1)[0];
    if (!next) throw new Error(`no scripted answer for bridge op ${request.op}`);
    await next.meanwhile?.();
    return next.response;
  }

  ops(): Op[] {
    return this.requests.map((r) => r.op);
  }
}

const envelope = { tokens: null, tokensChanged: false, garminRequests: 1, durationMs: 5 };

export const EMPTY_FETCH: FetchResult = { displayName: null };

/** A successful answer; `tokens` set: Garmin rotated them during the call. */
export const succeeded = (result: BridgeSuccess['result'], tokens?: string): BridgeResponse => ({
  ...envelope,
  ...(tokens ? { tokens, tokensChanged: true } : {}),
  ok: true,
  result,
});

export const failed = (error: BridgeError, options: { tokens?: string; partial?: FetchResult } = {}): BridgeResponse => ({
  ...envelope,
  ...(options.tokens ? { tokens: options.tokens, tokensChanged: true } : {}),
  ok: false,
  error,
  ...(options.partial ? { partial: options.partial } : {}),
});
