/**
 * App reads pull the schedule (sync/cadence.ts): while the app reads a user's data, their
 * syncs come at the short cadence. A read is recorded in the user's schedule at most once per
 * LIMITS.cadenceReadWindowSeconds, and that one write also moves a later due time forward to
 * the short cadence; every other read costs one small read of the schedule, never a write.
 */
import { LIMITS } from '../shared/limits';
import type { Clock, ScheduleStore } from '../shared/ports';

export const recordRead = async (deps: { schedules: ScheduleStore; clock: Clock }, userId: string): Promise<void> => {
  const now = deps.clock.now();
  // Every app read passes here: an eventually consistent look (a stale one only skips or tries a
  // write whose condition decides).
  const schedule = await deps.schedules.get(userId, { eventual: true });
  // Not scheduled (not connected, or waiting for the user to log in again): nothing to pull.
  if (!schedule?.nextSyncTime) return;
  const readSince = new Date(now.getTime() - LIMITS.cadenceReadWindowSeconds * 1000).toISOString();
  if (schedule.lastReadAt !== undefined && schedule.lastReadAt >= readSince) return;
  const soon = new Date(now.getTime() + LIMITS.syncIntervalSeconds * 1000).toISOString();
  // A leased schedule is being synced: its end sets the due time, with this read counted.
  const leased = schedule.lease !== undefined && schedule.lease.until >= now.toISOString();
  const pull = !leased && schedule.nextSyncTime > soon ? { to: soon, ...(schedule.lookAt ? { lookAt: schedule.lookAt } : {}) } : undefined;
  await deps.schedules.recordRead(userId, readSince, now, pull);
};
