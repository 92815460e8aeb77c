/**
 * The caller's deadline on every bridge call. The transports give up on a call after its
 * timeout (timeouts.ts) without cancelling it; a bridge that kept working past that point
 * could rotate the tokens and answer nobody, and the next sync would then hold a burned
 * refresh token. So each call carries `deadlineMs`: the moment the caller stops waiting,
 * less the time one Garmin request in flight may still take plus the answer's way back.
 * The bridge starts no Garmin request after it and answers with what it has.
 */
import type { BatchRequest, BatchResponse, BridgeRequest, BridgeResponse } from '../../core/shared/bridge-protocol';
import type { BatchCapableBridge } from './batching-bridge';
import { type BridgeTimeouts, timeoutFor } from './timeouts';

/** One Garmin request in flight (the library's own HTTP timeout is shorter) and the answer's transport. */
export const DEADLINE_MARGIN_MS = 20_000;

const deadlineOf = (request: Exclude<BridgeRequest, { op: 'ping' }>, timeouts: BridgeTimeouts, nowMs: number): number => {
  const deadlineMs = nowMs + Math.max(0, timeoutFor(request, timeouts) - DEADLINE_MARGIN_MS);
  // A caller's own earlier deadline stands.
  return Math.min(deadlineMs, request.deadlineMs ?? deadlineMs);
};

export const withDeadline = (request: BridgeRequest, timeouts: BridgeTimeouts, nowMs: number): BridgeRequest =>
  request.op === 'ping' ? request : { ...request, deadlineMs: deadlineOf(request, timeouts, nowMs) };

/** A bridge whose calls all carry the deadline their transport's timeouts imply. */
export class DeadlineBridge<B extends BatchCapableBridge & { close(): Promise<void> }> implements BatchCapableBridge {
  constructor(
    private readonly transport: B,
    private readonly timeouts: BridgeTimeouts,
  ) {}

  call(request: BridgeRequest): Promise<BridgeResponse> {
    return this.transport.call(withDeadline(request, this.timeouts, Date.now()));
  }

  /** Each call of a batch keeps its own deadline: a batch's timeout is a fetch's (timeouts.ts). */
  callBatch(request: BatchRequest): Promise<BatchResponse> {
    const now = Date.now();
    const calls = request.calls.map((call) => ({ ...call, deadlineMs: deadlineOf(call, this.timeouts, now) }));
    return this.transport.callBatch({ ...request, calls });
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
