/**
 * The caller's deadline on every bridge call. The transports give up on a call after its
 * timeout (timeouts.ts) without cancelling it; a bridge that kept working past that point
 * could rotate the tokens and answer nobody, and the next sync would then hold a burned
 * refresh token. So each call carries `deadlineMs`: the moment the caller stops waiting,
 * less the time one Garmin request in flight may still take plus the answer's way back.
 * The bridge starts no Garmin request after it and answers with what it has.
 */
import type { BridgeRequest, BridgeResponse } from '../../core/shared/bridge-protocol';
import type { GarminBridge } from '../../core/shared/ports';
import { type BridgeTimeouts, timeoutFor } from './timeouts';

/** One Garmin request in flight (the library's own HTTP timeout is shorter) and the answer's transport. */
export const DEADLINE_MARGIN_MS = 20_000;

export const withDeadline = (request: BridgeRequest, timeouts: BridgeTimeouts, nowMs: number): BridgeRequest => {
  if (request.op === 'ping') return request;
  const deadlineMs = nowMs + Math.max(0, timeoutFor(request, timeouts) - DEADLINE_MARGIN_MS);
  // A caller's own earlier deadline stands.
  return { ...request, deadlineMs: Math.min(deadlineMs, request.deadlineMs ?? deadlineMs) };
};

/** A bridge whose calls all carry the deadline their transport's timeouts imply. */
export class DeadlineBridge<B extends GarminBridge & { close(): Promise<void> }> implements GarminBridge {
  constructor(
    private readonly transport: B,
    private readonly timeouts: BridgeTimeouts,
  ) {}

  call(request: BridgeRequest): Promise<BridgeResponse> {
    return this.transport.call(withDeadline(request, this.timeouts, Date.now()));
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
