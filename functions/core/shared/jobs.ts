/** Messages between functions: sync jobs on the queue, connect jobs to the connect worker. */
import * as z from 'zod';
import { SyncReasonSchema } from './statuses';

export const SyncJobMessage = z.strictObject({
  userId: z.string().min(1).max(128),
  reason: SyncReasonSchema,
  dueAt: z.iso.datetime().optional(),
});

export const ConnectJobMessage = z.strictObject({
  userId: z.string().min(1).max(128),
  attemptId: z.uuid(),
});
