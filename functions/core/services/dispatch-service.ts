/**
 * Scheduled dispatch: find due connections through the sharded index, claim each with a
 * conditional write (so no user is dispatched twice), and queue them spread with jitter.
 */
import { LIMITS } from '../limits';
import type { ConnectionStore, SyncJob, SyncQueue } from '../ports';

export interface DispatchDeps {
  connections: ConnectionStore;
  queue: SyncQueue;
  clock: { now(): Date };
  random(): number;
}

export interface DispatchOptions {
  maxPerRun: number;
  /** Queued jobs are delayed uniformly in [0, spreadSeconds) (SQS allows up to 900). */
  spreadSeconds: number;
}

export const DEFAULT_DISPATCH: DispatchOptions = { maxPerRun: 1000, spreadSeconds: 60 };

export const dispatchDue = async (
  deps: DispatchDeps,
  options: DispatchOptions = DEFAULT_DISPATCH,
): Promise<{ claimed: number; lostClaims: number }> => {
  const now = deps.clock.now();
  // The claim moves the due time one interval ahead: if the message is lost the user is
  // simply due again then, and a worker recognises its job by this exact value.
  const claimUntil = new Date(now.getTime() + LIMITS.syncIntervalSeconds * 1000).toISOString();
  const jobs: Array<SyncJob & { delaySeconds: number }> = [];
  let lostClaims = 0;
  for (let shard = 0; shard < LIMITS.dueShards && jobs.length < options.maxPerRun; shard++) {
    const due = await deps.connections.findDue(shard, now, options.maxPerRun - jobs.length);
    for (const { userId, nextSyncTime } of due) {
      if (await deps.connections.claimDue(userId, nextSyncTime, claimUntil)) {
        jobs.push({
          userId,
          reason: 'scheduled',
          dueAt: claimUntil,
          delaySeconds: Math.floor(deps.random() * Math.min(options.spreadSeconds, 900)),
        });
      } else {
        lostClaims++;
      }
    }
  }
  if (jobs.length) await deps.queue.enqueue(jobs);
  return { claimed: jobs.length, lostClaims };
};
