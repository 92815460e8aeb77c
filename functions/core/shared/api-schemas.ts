/** The HTTP API's zod schemas, one per body, query, path and response (functions/api/routes.ts says which route uses which). */
import * as z from 'zod';
import { GarminServiceUrl, IsoDate, ServiceTicket } from './bridge-protocol';
import { API_ERRORS } from './errors';
import { DATA_TYPES } from './ports';
import { AttemptStatusSchema, ConnectionStatusSchema } from './statuses';
import { REQUIRED_DATA_TYPES } from './data-types';

export const MAX_ACTIVITY_PAGE = 100;
export const DEFAULT_ACTIVITY_PAGE = 25;
export const MAX_SUMMARY_RANGE_DAYS = 366;

const TokenBlobInput = z.string().min(2).max(16_384);

/**
 * No blank at either end, anything in between. Written so that every regex dialect reads
 * it alike (the OpenAPI's clients and Schemathesis use Python's and Rust's, not
 * JavaScript's): the blanks are listed (the union of JavaScript's and Python's `\s`), the
 * middle is `[\s\S]*` (`.` stops at line breaks, and at different ones per dialect), and
 * the end is `(?![\s\S])` (Python's `$` also matches before a final newline).
 */
const BLANKS = String.raw`\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff`;
export const USERNAME_PATTERN = new RegExp(String.raw`^[^${BLANKS}](?:[\s\S]*[^${BLANKS}])?(?![\s\S])`);

/**
 * Taken as sent, never trimmed: what the OpenAPI document says (length and pattern) is
 * exactly what is accepted, and surrounding blanks are refused rather than silently dropped.
 */
const GarminUsername = z
  .string()
  .min(3)
  .max(254)
  .regex(USERNAME_PATTERN, 'expected no leading or trailing whitespace');

export const ConnectWithPasswordBody = z.strictObject({
  username: GarminUsername,
  password: z.string().min(1).max(256),
  rememberPassword: z.boolean().default(true),
});

export const ImportTokensBody = z.strictObject({
  /** A token blob from `python -m garmin_bridge login`, for users whose login is blocked from the cloud. */
  tokens: TokenBlobInput,
  username: GarminUsername.optional(),
});

export const ExchangeTicketBody = z.strictObject({
  /** A Garmin service ticket from a sign-in on the user's own device: single-use, valid for seconds to minutes. */
  ticket: ServiceTicket,
  /** The service URL the sign-in named; the ticket is exchanged only for it. */
  serviceUrl: GarminServiceUrl,
  username: GarminUsername.optional(),
});

export const ConnectBody = z.union([ConnectWithPasswordBody, ImportTokensBody, ExchangeTicketBody]);

export const AttemptPath = z.strictObject({ attemptId: z.uuid() });

/** `force`: skip the freshness shortcut and reconcile recent activities (late, edited, deleted) with Garmin now. */
export const SyncBody = z.strictObject({ force: z.boolean().optional() });

export const MfaBody = z.strictObject({ code: z.string().regex(/^\d{4,10}$/, 'expected the numeric code Garmin sent') });

const Limit = z.coerce.number().int().min(1).max(MAX_ACTIVITY_PAGE);

export const ActivitiesQuery = z
  .strictObject({
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    limit: Limit.default(DEFAULT_ACTIVITY_PAGE),
    cursor: z.string().min(1).max(2048).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });

export const DailySummariesQuery = z
  .strictObject({ from: IsoDate, to: IsoDate })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 < MAX_SUMMARY_RANGE_DAYS, {
    message: `a range spans at most ${MAX_SUMMARY_RANGE_DAYS} days`,
    path: ['to'],
  });

export const ConnectionView = z.object({
  status: ConnectionStatusSchema,
  username: z.string(),
  displayName: z.string().nullable(),
  isActive: z.boolean(),
  lastSyncTime: z.iso.datetime().nullable(),
  nextSyncTime: z.iso.datetime().nullable(),
  lastError: z.object({ code: z.string(), message: z.string(), at: z.iso.datetime() }).optional(),
  backfill: z.object({
    from: IsoDate.nullable(),
    done: z.boolean(),
    /** Every daily summary from `from` through this date is stored (null: none yet). */
    through: IsoDate.nullable(),
    /** Share of the days from `from` to the day of the last sync that are stored (100 once done). */
    percent: z.int().min(0).max(100),
  }),
  passwordStored: z.boolean(),
  dataTypes: z.array(z.enum(DATA_TYPES)).describe('What is synced (PATCH /garmin/connection changes it)'),
});

/** PATCH /garmin/connection: the whole selection, not a change to it. */
export const DataTypesBody = z.strictObject({
  dataTypes: z
    .array(z.enum(DATA_TYPES))
    .max(DATA_TYPES.length)
    .describe(
      `What to sync from the next sync on, among ${DATA_TYPES.join(', ')}; ${REQUIRED_DATA_TYPES.join(' and ')} are always synced ` +
        "(the day plan and the user's time zone come from them), listed or not",
    ),
});

export const ConnectedResponse = z.object({ status: z.literal('connected'), connection: ConnectionView });
export const PendingResponse = z.object({ status: z.enum(['pending', 'mfa_required']), attemptId: z.uuid() });
export const AttemptResponse = z.object({
  attemptId: z.uuid(),
  status: AttemptStatusSchema,
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export const ConnectionResponse = z.object({ connection: ConnectionView });

export const SyncSummary = z.object({
  activitiesWritten: z.int(),
  dailySummariesWritten: z.int(),
  profileUpdated: z.boolean(),
  garminRequests: z.int(),
});

export const SyncResponse = z.object({
  /** synced: Garmin was called; fresh: the last sync is recent, answered from storage; in_progress: another sync holds the lease. */
  status: z.enum(['synced', 'fresh', 'in_progress', 'failed']),
  sync: SyncSummary.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  connection: ConnectionView,
});

const GarminFields = z.record(z.string(), z.unknown()).describe('The object exactly as Garmin returned it');

export const ActivityView = z.object({
  activityId: z.string(),
  startTimeUtc: z.iso.datetime(),
  startTimeLocal: z.string().describe('Local time as Garmin reports it: YYYY-MM-DD HH:MM:SS'),
  garmin: GarminFields,
});

export const ActivitiesResponse = z.object({ items: z.array(ActivityView), nextCursor: z.string().nullable() });

export const DailySummaryView = z.object({
  date: IsoDate,
  final: z.boolean().describe('False while Garmin may still change the day (today, and yesterday for a while)'),
  garmin: GarminFields,
});

export const DailySummariesResponse = z.object({ items: z.array(DailySummaryView) });

export const EnergyDayView = z.object({
  date: IsoDate,
  wellnessData: z.boolean().describe('False when Garmin holds no wellness data for the day: the figures are null, not zero'),
  totalKcal: z.number().nullable().describe('Energy burned that day: restingKcal + activeKcal'),
  restingKcal: z.number().nullable().describe('Resting energy (BMR)'),
  activeKcal: z.number().nullable().describe('Active energy, recorded activities included: add this to a diary, not activitiesKcal'),
  activitiesKcal: z.number().describe('Part of activeKcal from recorded activities (their calories minus the resting share)'),
  consumedKcal: z.number().nullable().describe('Intake logged in Garmin Connect, when Garmin counts it for the day'),
  final: z.boolean(),
});

export const EnergyResponse = z.object({ items: z.array(EnergyDayView) });

const stored = { final: z.boolean().describe('False while Garmin may still change the day (the daily summaries\' rule)') };

export const WeighInView = z.object({
  date: IsoDate.describe('Local day of the weigh-in'),
  time: z.iso.datetime().nullable(),
  weightKg: z.number().nullable(),
  bmi: z.number().nullable(),
  bodyFatPct: z.number().nullable(),
  bodyWaterPct: z.number().nullable(),
  muscleMassKg: z.number().nullable(),
  boneMassKg: z.number().nullable(),
  source: z.string().nullable().describe("Garmin's sourceType: INDEX_SCALE, MANUAL, ..."),
  ...stored,
});
export const WeightResponse = z.object({ items: z.array(WeighInView) });

export const HydrationDayView = z.object({
  date: IsoDate,
  intakeMl: z.number().nullable().describe('Logged intake; null when nothing was logged'),
  goalMl: z.number().nullable(),
  sweatLossMl: z.number().nullable().describe('Estimated from the day\'s activities, when Garmin has one'),
  ...stored,
});
export const HydrationResponse = z.object({ items: z.array(HydrationDayView) });

export const SleepNightView = z.object({
  date: IsoDate.describe('The morning the night ended'),
  start: z.iso.datetime().nullable(),
  end: z.iso.datetime().nullable(),
  sleepSeconds: z.number().nullable(),
  deepSeconds: z.number().nullable(),
  lightSeconds: z.number().nullable(),
  remSeconds: z.number().nullable(),
  awakeSeconds: z.number().nullable(),
  score: z.number().nullable().describe('Garmin\'s overall sleep score, when the device gives one'),
  ...stored,
});
export const SleepResponse = z.object({ items: z.array(SleepNightView) });

export const ProfileResponse = z.object({
  profile: z.object({
    displayName: z.string().nullable(),
    fullName: z.string().nullable(),
    profileId: z.int().nullable(),
    unitSystem: z.string().nullable(),
    timeZone: z.string().nullable(),
    fetchedAt: z.iso.datetime(),
    garmin: z.object({ socialProfile: GarminFields, userSettings: GarminFields }),
  }),
});

export const ErrorResponse = z.object({
  error: z.object({
    code: z.enum(Object.keys(API_ERRORS) as [keyof typeof API_ERRORS, ...Array<keyof typeof API_ERRORS>]),
    message: z.string(),
  }),
});

export type ConnectionView = z.infer<typeof ConnectionView>;
export type SyncResponse = z.infer<typeof SyncResponse>;
export type ActivityView = z.infer<typeof ActivityView>;
export type DailySummaryView = z.infer<typeof DailySummaryView>;
export type ProfileResponse = z.infer<typeof ProfileResponse>;
