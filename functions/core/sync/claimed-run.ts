/**
 * A dispatched job runs under its claim, which already is the user's lease: the worker reads the
 * schedule to see that the claim still is the lease (a read, no write). It writes (the schedule
 * store's `start`: this delivery runs the job, the lease lasts a whole run) only when the run
 * needs it:
 * - the claim's lease would run out before the run can end (the job waited long in the queue);
 * - the run may refresh the tokens (garminconnect refreshes within 15 minutes of the access
 *   token's expiry, about once a day, or when their time is unknown): SQS may deliver a job
 *   twice at once, and two concurrent refreshes burn each other's refresh token.
 * Otherwise a duplicate delivery may run beside it: its data writes are idempotent, its saves of
 * the connection versioned, and its end finds the lease released.
 */
import { LIMITS } from '../shared/limits';
import type { ConnectionRecord, ScheduleRecord } from '../shared/ports';

export const claimedRunMustStart = (schedule: ScheduleRecord, connection: ConnectionRecord | undefined, now: Date): boolean => {
  const runEnd = new Date(now.getTime() + LIMITS.leaseTtlSeconds * 1000).toISOString();
  if (!schedule.lease || schedule.lease.until < runEnd) return true;
  // Not connected: the run only unschedules the user.
  if (!connection?.isActive) return false;
  const refreshAt = connection.cursors.tokensRefreshAt;
  return refreshAt === undefined || refreshAt <= runEnd;
};
