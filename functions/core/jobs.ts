/** Messages between functions: sync jobs on the queue, connect jobs to the connect worker. */
import * as z from 'zod';

export const SyncJobMessage = z.strictObject({
  userId: z.string().min(1).max(128),
  reason: z.enum(['scheduled', 'backfill', 'manual']),
  dueAt: z.iso.datetime().optional(),
});

export const ConnectJobMessage = z.strictObject({
  userId: z.string().min(1).max(128),
  attemptId: z.uuid(),
});
