/** Errors the HTTP API answers with: `{error:{code,message}}`, never a stack trace or a secret. */
export const API_ERRORS = {
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  NOT_CONNECTED: 404,
  NOT_FOUND: 404,
  ATTEMPT_NOT_WAITING: 409,
  /** A disconnect or another connect changed the connection while this one was being made. */
  CONNECTION_CHANGED: 409,
  GARMIN_INVALID_CREDENTIALS: 422,
  GARMIN_MFA_INVALID: 422,
  GARMIN_TOKENS_REJECTED: 422,
  /** The service ticket was refused: already used, expired, or issued for another service URL. */
  GARMIN_TICKET_REJECTED: 422,
  /** A write's Idempotency-Key came with a different body before: a key names one write. */
  IDEMPOTENCY_KEY_REUSED: 422,
  /** The first request with this Idempotency-Key has not finished (or never answered): nothing was written twice. */
  WRITE_IN_PROGRESS: 409,
  /** A sync (or another write) of this user is using the Garmin tokens: one caller at a time, or a rotation is lost. */
  GARMIN_CALL_IN_PROGRESS: 409,
  /** A change-feed cursor older than the feed keeps (events may be gone): re-read everything, then poll from the new cursor. */
  FEED_CURSOR_EXPIRED: 410,
  RATE_LIMITED: 429,
  /** Over the per-user API throttle (LIMITS.apiRequestsPerWindow): nothing was done; retry after Retry-After. */
  TOO_MANY_REQUESTS: 429,
  /** The connect attempt took LIMITS.mfaSubmissionsPerAttempt codes and has ended; start a new one. */
  MFA_ATTEMPTS_EXCEEDED: 429,
  GARMIN_RATE_LIMITED: 429,
  /** Garmin's bad gateway: the sign-in ended without API tokens (nothing was stored). */
  GARMIN_LOGIN_INCOMPLETE: 502,
  GARMIN_UNAVAILABLE: 503,
  /** Garmin refuses sign-ins from this service's network for now; a token import still works. */
  GARMIN_LOGIN_BLOCKED: 503,
  /** Our own storage throttled the request (DynamoDB beyond its capacity for a moment): retry after Retry-After. */
  SERVICE_BUSY: 503,
  INTERNAL: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = API_ERRORS[code];
  }
}

export const rateLimited = (retryAfterSeconds: number): AppError =>
  new AppError('RATE_LIMITED', 'Too many Garmin calls for this user; try again later', retryAfterSeconds);
