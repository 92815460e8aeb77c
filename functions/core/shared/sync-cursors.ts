/**
 * A connection's sync cursors, defined once: the ports' type is inferred from this schema,
 * and the connection store writes and reads the item's `cursors` map with it, as is. Adding
 * a cursor is one field here.
 */
import * as z from './zod';

/** Where the next sync starts. Advanced only past data that was stored. */
export const SyncCursorsSchema = z.object({
  /** startTimeLocal ("YYYY-MM-DD HH:MM:SS") of the newest stored activity. */
  activitiesNewestLocal: z.optional(z.string()),
  /** Every daily summary up to and including this date is stored and final. */
  summariesFinalThrough: z.optional(z.string()),
  /** Oldest date the backfill must reach, and whether it has. */
  backfillFrom: z.optional(z.string()),
  backfillDone: z.optional(z.boolean()),
  /** When an activity fetch last reached the newest activity (the search was complete). */
  activitiesCheckedAt: z.optional(z.string()),
  /** When a past day that was still provisional (yesterday) was last fetched, and the last date that fetch covered. */
  provisionalCheckedAt: z.optional(z.string()),
  provisionalCheckedThrough: z.optional(z.string()),
  /** When the stored profile was fetched (saves reading it to know whether it is stale). */
  profileFetchedAt: z.optional(z.string()),
  /** When the last LIMITS.activityReconcileDays of activities were made to match Garmin (late, edited, deleted). */
  activitiesReconciledAt: z.optional(z.string()),
  /** When weight, hydration and sleep were last fetched (a sync of today alone asks for them only every so often). */
  wellnessCheckedAt: z.optional(z.string()),
  /** When Garmin last issued (or rotated) this connection's tokens: a refresh token dies idle after about 30 days. */
  tokensRefreshedAt: z.optional(z.string()),
  /** When garminconnect will refresh these tokens (the bridge's tokensRefreshAt), while known: a sync that may reach it runs alone. */
  tokensRefreshAt: z.optional(z.string()),
  /** The device's last upload as the last probe saw it (sync-plan.ts probeFirst), and when that probe ran. */
  deviceUploadAt: z.optional(z.string()),
  probedAt: z.optional(z.string()),
  /** When a sync last ran its whole plan (not stopped by the probe). */
  fullSyncAt: z.optional(z.string()),
  /** The probe's uploads per hour of the user's day, faded, and how many were counted (sync/cadence.ts). */
  uploadHours: z.optional(z.array(z.number()).check(z.length(24))),
  uploadsSeen: z.optional(z.int()),
});
export type SyncCursors = z.infer<typeof SyncCursorsSchema>;
