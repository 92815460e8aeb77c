/** Messages between functions: sync jobs on the queue, connect jobs to the connect worker. */
import * as z from './zod';
import { SyncReasonSchema } from './statuses';

export const SyncJobMessage = z.strictObject({
  userId: z.string().check(z.minLength(1), z.maxLength(128)),
  reason: SyncReasonSchema,
  dueAt: z.optional(z.iso.datetime()),
  claim: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});

export const ConnectJobMessage = z.strictObject({
  userId: z.string().check(z.minLength(1), z.maxLength(128)),
  attemptId: z.uuid(),
});
