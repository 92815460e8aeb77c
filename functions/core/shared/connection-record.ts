/**
 * A user's Garmin connection, defined once. The TypeScript type is inferred from this schema,
 * and the connection store derives everything else from it: each field's item attribute (its
 * name in snake_case), which fields an update may remove (the optional ones) and how an item
 * is read. Adding a field is one line here (plus its test).
 */
import * as z from './zod';
import { ConnectionStatusSchema } from './statuses';
import { SyncCursorsSchema } from './sync-cursors';

/** What a sync may read from Garmin (PATCH /garmin/connection selects among them). */
export const DATA_TYPES = ['activities', 'dailySummaries', 'profile', 'weight', 'hydration', 'sleep'] as const;
export type DataType = (typeof DATA_TYPES)[number];

export const ConnectionErrorSchema = z.object({ code: z.string(), message: z.string(), at: z.string() });
export type ConnectionError = z.infer<typeof ConnectionErrorSchema>;

export const ConnectionRecordSchema = z.object({
  userId: z.string(),
  username: z.string(),
  /** Vault ciphertext; absent when the user chose not to remember it. */
  password: z.optional(z.string()),
  /** Vault ciphertext of the garminconnect token blob. */
  tokens: z.string(),
  isActive: z.boolean(),
  status: ConnectionStatusSchema,
  displayName: z.optional(z.string()),
  /** User's Garmin time zone, when known. */
  timeZone: z.optional(z.string()),
  /** What the user chose to sync; absent: the default (shared/data-types.ts). Kept by a re-login to the same account. */
  dataTypes: z.optional(z.array(z.enum(DATA_TYPES))),
  lastSyncTime: z.optional(z.string()),
  /** ISO time of the next scheduled sync; absent when not scheduled (needs_reauth). */
  nextSyncTime: z.optional(z.string()),
  lastError: z.optional(ConnectionErrorSchema),
  consecutiveFailures: z.int(),
  cursors: SyncCursorsSchema,
  createdAt: z.string(),
  /**
   * Which connection this is: new whenever a different Garmin account is connected or the
   * user connects again after a disconnect, kept by a reconnect of the same account.
   * Writes are fenced on it, so nothing of an older connection (a sync or connect still
   * running) lands on a newer one. Increasing (at least the epoch ms of its creation), so
   * it also orders connections across a disconnect. Absent (0) on records older than it.
   */
  generation: z.optional(z.int()),
  /** Optimistic concurrency: incremented by every write. */
  version: z.int(),
});
export type ConnectionRecord = z.infer<typeof ConnectionRecordSchema>;

/**
 * The fields of a connection that live in its schedule (ScheduleStore), not in the connection
 * item: what every sync moves, so that a sync that changes nothing else writes only the schedule.
 */
export type ScheduleField = 'nextSyncTime' | 'lastSyncTime';

/** What ConnectionStore.update may change: not the key or the version, never the schedule's fields (SyncService ends the lease with them). */
export const ConnectionChangesSchema = z.partial(
  z.omit(ConnectionRecordSchema, {
    userId: true,
    version: true,
    nextSyncTime: true,
    lastSyncTime: true,
  } satisfies Record<'userId' | 'version' | ScheduleField, true>),
);
export type ConnectionChanges = z.infer<typeof ConnectionChangesSchema>;
