/** What dispatch does for one user, for tests that drive a scheduled sync themselves. */
import { randomUUID } from 'node:crypto';
import { LIMITS } from '../../functions/core/shared/limits';
import type { ScheduleStore, SyncJob } from '../../functions/core/shared/ports';

/** Claims the user's schedule at `now` as dispatch would (whatever its due time) and returns the job dispatch queues. */
export const claimedJob = async (schedules: ScheduleStore, userId: string, now: Date): Promise<SyncJob> => {
  const due = (await schedules.get(userId))?.nextSyncTime;
  if (!due) throw new Error(`${userId} is not scheduled`);
  const owner = randomUUID();
  const until = new Date(now.getTime() + LIMITS.syncIntervalSeconds * 1000).toISOString();
  if (!(await schedules.claim({ userId, nextSyncTime: due }, owner, until, now))) throw new Error(`${userId} is leased`);
  return { userId, reason: 'scheduled', dueAt: until, claim: owner };
};

/** Moves the user's due time to `at` through a lease of its own (as a sync's end does). */
export const scheduleAt = async (schedules: ScheduleStore, userId: string, at: string, now: Date): Promise<void> => {
  const owner = randomUUID();
  if (!(await schedules.acquire(userId, owner, new Date(now.getTime() + 60_000).toISOString(), now))) throw new Error(`${userId} is leased`);
  await schedules.end(userId, owner, { nextSyncTime: at });
};
