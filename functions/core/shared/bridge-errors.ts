/** How bridge errors surface to the app when a user is waiting for the answer. */
import type { BridgeErrorCode } from './bridge-protocol';
import { type ApiErrorCode, AppError } from './errors';
import { LIMITS } from './limits';

const API_CODE: Record<BridgeErrorCode, ApiErrorCode> = {
  INVALID_CREDENTIALS: 'GARMIN_INVALID_CREDENTIALS',
  MFA_REQUIRED: 'GARMIN_INVALID_CREDENTIALS',
  MFA_INVALID: 'GARMIN_MFA_INVALID',
  MFA_TIMEOUT: 'GARMIN_MFA_INVALID',
  TOKEN_REJECTED: 'GARMIN_TOKENS_REJECTED',
  TICKET_REJECTED: 'GARMIN_TICKET_REJECTED',
  RATE_LIMITED: 'GARMIN_RATE_LIMITED',
  LOGIN_BLOCKED: 'GARMIN_LOGIN_BLOCKED',
  LOGIN_INCOMPLETE: 'GARMIN_LOGIN_INCOMPLETE',
  UPSTREAM_UNAVAILABLE: 'GARMIN_UNAVAILABLE',
  DEADLINE_REACHED: 'GARMIN_UNAVAILABLE',
  ATTEMPT_ENDED: 'CONNECTION_CHANGED',
  INVALID_REQUEST: 'INTERNAL',
  INTERNAL: 'INTERNAL',
};

/** Errors after which the caller may retry later, and the wait when Garmin named none. */
const DEFAULT_RETRY_AFTER_SECONDS: Partial<Record<BridgeErrorCode, number>> = {
  RATE_LIMITED: 60,
  LOGIN_BLOCKED: LIMITS.loginBlockSeconds,
};

export const bridgeErrorToApp = (error: { code: BridgeErrorCode; message: string; retryAfterSeconds?: number }): AppError => {
  const retryDefault = DEFAULT_RETRY_AFTER_SECONDS[error.code];
  return new AppError(API_CODE[error.code], error.message, retryDefault === undefined ? undefined : (error.retryAfterSeconds ?? retryDefault));
};
