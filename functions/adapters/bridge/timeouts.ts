/**
 * How long a bridge call may take before the caller gives up on it, per operation.
 * Giving up abandons the call, it does not cancel it: the bridge may still finish it
 * (and rotate the tokens, whose new blob then never reaches the caller).
 */
import type { BatchRequest, BridgeRequest } from '../../core/shared/bridge-protocol';

export type BridgeTimeouts = Record<BridgeRequest['op'], number>;

export const DEFAULT_BRIDGE_TIMEOUTS_MS: BridgeTimeouts = {
  // SSO runs several strategies with anti-bot pauses, then may wait for an MFA code.
  login: 6 * 60_000,
  verify: 60_000,
  // The ticket exchange and the profile: three requests.
  exchange: 60_000,
  // One sync: profile, activity pages and up to a month of daily summaries, one request each.
  fetch: 120_000,
  ping: 60_000,
  // A write and the read of its day, under API Gateway's 30 s: the write starts within
  // 8 s (deadline.ts keeps DEADLINE_MARGIN_MS for the request in flight and the answer).
  addWeighIn: 28_000,
  addHydration: 28_000,
};

/** A login is never cut off before its own MFA wait is over, plus time to finish the login. */
const MFA_LOGIN_MARGIN_MS = 60_000;

export const timeoutFor = (request: BridgeRequest | BatchRequest, timeouts: BridgeTimeouts): number => {
  // A batch's fetches run side by side: it takes about as long as its slowest one.
  if (request.op === 'batch') return timeouts.fetch;
  return request.op === 'login' && request.mfa
    ? Math.max(timeouts.login, request.mfa.waitSeconds * 1000 + MFA_LOGIN_MARGIN_MS)
    : timeouts[request.op];
};
