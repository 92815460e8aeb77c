/**
 * The status enums, each defined once: the ports' types, the stores' item schemas, the sync
 * jobs on the queue and the API's answers all take them from here.
 */
import * as z from './zod';

/** A connection's sync state. */
export const ConnectionStatusSchema = z.enum(['active', 'backing_off', 'needs_reauth']);
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>;

/** A connect attempt: running (`pending`, `mfa_required`) or ended (`connected`, `failed`). */
export const AttemptStatusSchema = z.enum(['pending', 'mfa_required', 'connected', 'failed']);
export type AttemptStatus = z.infer<typeof AttemptStatusSchema>;

/** Why a sync runs: the schedule, a new connection's backfill, or the user's request. */
export const SyncReasonSchema = z.enum(['scheduled', 'backfill', 'manual']);
export type SyncReason = z.infer<typeof SyncReasonSchema>;
