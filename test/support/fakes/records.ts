/** Fixtures shared by the services' and rules' unit tests. */
import { AppError } from '../../../functions/core/shared/errors';
import type { ConnectionRecord } from '../../../functions/core/shared/ports';

/** An active connection of user u1 as a store holds it; each test overrides what it is about. */
export const connectionRecord = (overrides: Partial<ConnectionRecord> = {}): ConnectionRecord => ({
  userId: 'u1',
  username: 'athlete@example.com',
  tokens: 'ciphertext',
  isActive: true,
  status: 'active',
  consecutiveFailures: 0,
  cursors: {},
  createdAt: '2026-01-01T00:00:00.000Z',
  version: 1,
  ...overrides,
});

/** The code a service refused with; undefined when it did not refuse, any other error as it is. */
export const refusal = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof AppError ? error.code : error),
  );
