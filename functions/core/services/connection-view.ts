import type { ConnectionView } from '../api-schemas';
import type { ConnectionRecord } from '../ports';

export const toConnectionView = (c: ConnectionRecord): ConnectionView => ({
  status: c.status,
  username: c.username,
  displayName: c.displayName ?? null,
  isActive: c.isActive,
  lastSyncTime: c.lastSyncTime ?? null,
  nextSyncTime: c.nextSyncTime ?? null,
  ...(c.lastError ? { lastError: c.lastError } : {}),
  backfill: { from: c.cursors.backfillFrom ?? null, done: c.cursors.backfillDone === true },
  passwordStored: c.password !== undefined,
});
