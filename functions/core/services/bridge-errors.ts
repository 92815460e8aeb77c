/** How bridge errors surface to the app when a user is waiting for the answer. */
import type { BridgeErrorCode } from '../bridge-protocol';
import { type ApiErrorCode, AppError } from '../errors';

const API_CODE: Record<BridgeErrorCode, ApiErrorCode> = {
  INVALID_CREDENTIALS: 'GARMIN_INVALID_CREDENTIALS',
  MFA_REQUIRED: 'GARMIN_INVALID_CREDENTIALS',
  MFA_INVALID: 'GARMIN_MFA_INVALID',
  MFA_TIMEOUT: 'GARMIN_MFA_INVALID',
  TOKEN_REJECTED: 'GARMIN_TOKENS_REJECTED',
  RATE_LIMITED: 'GARMIN_RATE_LIMITED',
  UPSTREAM_UNAVAILABLE: 'GARMIN_UNAVAILABLE',
  INVALID_REQUEST: 'INTERNAL',
  INTERNAL: 'INTERNAL',
};

export const bridgeErrorToApp = (error: { code: BridgeErrorCode; message: string; retryAfterSeconds?: number }): AppError =>
  new AppError(API_CODE[error.code], error.message, error.code === 'RATE_LIMITED' ? (error.retryAfterSeconds ?? 60) : undefined);
