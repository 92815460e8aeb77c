import type { ConnectionView } from '../shared/api-schemas';
import type { ConnectionRecord } from '../shared/ports';
import { dataTypesOf } from '../shared/data-types';

const DAY_MS = 86_400_000;

/**
 * Backfill progress as of the last sync: summaries are fetched oldest first, so everything
 * from `from` through `summariesFinalThrough` is stored; the goal was the last sync's day.
 */
const backfillOf = (c: ConnectionRecord): ConnectionView['backfill'] => {
  const { backfillFrom: from, backfillDone, summariesFinalThrough } = c.cursors;
  const done = backfillDone === true;
  const through = from !== undefined && summariesFinalThrough !== undefined && summariesFinalThrough >= from ? summariesFinalThrough : null;
  let percent = done ? 100 : 0;
  if (!done && from !== undefined && through !== null && c.lastSyncTime) {
    const days = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / DAY_MS) + 1;
    percent = Math.max(0, Math.min(99, Math.floor((100 * days(from, through)) / days(from, c.lastSyncTime.slice(0, 10)))));
  }
  return { from: from ?? null, done, through, percent };
};

export const toConnectionView = (c: ConnectionRecord): ConnectionView => ({
  status: c.status,
  username: c.username,
  displayName: c.displayName ?? null,
  isActive: c.isActive,
  lastSyncTime: c.lastSyncTime ?? null,
  nextSyncTime: c.nextSyncTime ?? null,
  ...(c.lastError ? { lastError: c.lastError } : {}),
  backfill: backfillOf(c),
  passwordStored: c.password !== undefined,
  dataTypes: [...dataTypesOf(c)],
});
