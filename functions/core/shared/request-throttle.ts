/**
 * The per-user API throttle. API Gateway's HTTP API throttles only the whole stage (or a
 * route), so one user's loop could make everyone's requests fail; this limits each user on
 * their own. Every authenticated request is counted before any other work, in a fixed window
 * per user and kind (LIMITS.apiRequestsPerWindow): one conditional write per request, no
 * read. A fixed window lets a burst of up to twice the limit through across a window's edge,
 * which a throttle can afford (Garmin's own limits, which cannot, are sliding logs:
 * call-limits.ts). A refused request counts nothing and does nothing else.
 */
import { AppError } from './errors';
import { LIMITS } from './limits';
import type { ApiRequestKind, Clock, RequestCounter } from './ports';

export type ApiRequestLimits = Record<ApiRequestKind, number>;

/** A GET reads; every other method changes something or starts work at Garmin. */
export const requestKindOf = (routeKey: string): ApiRequestKind => (routeKey.startsWith('GET ') ? 'read' : 'change');

export class RequestThrottle {
  constructor(private readonly deps: { clock: Clock; requestCounter: RequestCounter; apiRequestLimits?: ApiRequestLimits }) {}

  /** Counts the request, or throws TOO_MANY_REQUESTS (Retry-After: the window's end) when the user's window is full. */
  async admit(userId: string, routeKey: string): Promise<void> {
    const kind = requestKindOf(routeKey);
    const windowSeconds = LIMITS.apiThrottleWindowSeconds;
    const nowMs = this.deps.clock.now().getTime();
    const windowStartMs = nowMs - (nowMs % (windowSeconds * 1000));
    const limit = (this.deps.apiRequestLimits ?? LIMITS.apiRequestsPerWindow)[kind];
    if (await this.deps.requestCounter.take(userId, kind, new Date(windowStartMs), windowSeconds, limit)) return;
    throw new AppError(
      'TOO_MANY_REQUESTS',
      `Too many ${kind === 'read' ? 'reads' : 'changes'} by this user (at most ${limit} per ${windowSeconds} s); try again after Retry-After`,
      (windowStartMs + windowSeconds * 1000 - nowMs) / 1000,
    );
  }
}
