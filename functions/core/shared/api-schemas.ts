/** The HTTP API's zod schemas, one per body, query, path and response (functions/api/routes.ts says which route uses which). */
import * as z from './zod';
import { GarminServiceUrl, IsoDate, ServiceTicket } from './bridge-protocol';
import { API_ERRORS } from './errors';
import { DATA_TYPES } from './ports';
import { AttemptStatusSchema, ConnectionStatusSchema } from './statuses';
import { REQUIRED_DATA_TYPES } from './data-types';
import { once } from './once';

export const MAX_ACTIVITY_PAGE = 100;
export const DEFAULT_ACTIVITY_PAGE = 25;
export const MAX_SUMMARY_RANGE_DAYS = 366;

const TokenBlobInput = z.string().check(z.minLength(2), z.maxLength(16_384));

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
const GarminUsername = z.string().check(z.minLength(3), z.maxLength(254), z.regex(USERNAME_PATTERN, 'expected no leading or trailing whitespace'));

export const ConnectWithPasswordBody = z.strictObject({
  username: GarminUsername,
  password: z.string().check(z.minLength(1), z.maxLength(256)),
  rememberPassword: z._default(z.boolean(), true),
});

export const ImportTokensBody = z.strictObject({
  /** A token blob from `python -m garmin_bridge login`, for users whose login is blocked from the cloud. */
  tokens: TokenBlobInput,
  username: z.optional(GarminUsername),
});

export const ExchangeTicketBody = z.strictObject({
  /** A Garmin service ticket from a sign-in on the user's own device: single-use, valid for seconds to minutes. */
  ticket: ServiceTicket,
  /** The service URL the sign-in named; the ticket is exchanged only for it. */
  serviceUrl: GarminServiceUrl,
  username: z.optional(GarminUsername),
});

export const ConnectBody = z.union([ConnectWithPasswordBody, ImportTokensBody, ExchangeTicketBody]);

export const AttemptPath = z.strictObject({ attemptId: z.uuid() });

/** `force`: skip the freshness shortcut and reconcile recent activities (late, edited, deleted) with Garmin now. */
export const SyncBody = z.strictObject({ force: z.optional(z.boolean()) });

export const MfaBody = z.strictObject({ code: z.string().check(z.regex(/^\d{4,10}$/, 'expected the numeric code Garmin sent')) });

const Limit = z.coerce.number().check(z.int(), z.gte(1), z.lte(MAX_ACTIVITY_PAGE));

export const ActivitiesQuery = z
  .strictObject({
    from: z.optional(IsoDate),
    to: z.optional(IsoDate),
    limit: z._default(Limit, DEFAULT_ACTIVITY_PAGE),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  })
  .check(z.refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] }));

export const DailySummariesQuery = z.strictObject({ from: IsoDate, to: IsoDate }).check(
  z.refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] }),
  z.refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 < MAX_SUMMARY_RANGE_DAYS, {
    message: `a range spans at most ${MAX_SUMMARY_RANGE_DAYS} days`,
    path: ['to'],
  }),
);

/** PATCH /garmin/connection: the whole selection, not a change to it. */
export const DataTypesBody = z.strictObject({
  dataTypes: z.array(z.enum(DATA_TYPES)).check(
    z.maxLength(DATA_TYPES.length),
    z.describe(
      `What to sync from the next sync on, among ${DATA_TYPES.join(', ')}; ${REQUIRED_DATA_TYPES.join(' and ')} are always synced ` +
        "(the day plan and the user's time zone come from them), listed or not",
    ),
  ),
});

/**
 * The answers' schemas. Only the OpenAPI document reads them (a handler's answer is typed by
 * them, never parsed), so they are built on the first call rather than when a handler loads.
 */
export const responseSchemas = once(() => {

  const ConnectionView = z.object({
    status: ConnectionStatusSchema,
    username: z.string(),
    displayName: z.nullable(z.string()),
    isActive: z.boolean(),
    lastSyncTime: z.nullable(z.iso.datetime()),
    nextSyncTime: z.nullable(z.iso.datetime()),
    lastError: z.optional(z.object({ code: z.string(), message: z.string(), at: z.iso.datetime() })),
    backfill: z.object({
      from: z.nullable(IsoDate),
      done: z.boolean(),
      /** Every daily summary from `from` through this date is stored (null: none yet). */
      through: z.nullable(IsoDate),
      /** Share of the days from `from` to the day of the last sync that are stored (100 once done). */
      percent: z.int().check(z.gte(0), z.lte(100)),
    }),
    passwordStored: z.boolean(),
    dataTypes: z.array(z.enum(DATA_TYPES)).check(z.describe('What is synced (PATCH /garmin/connection changes it)')),
  });

  const ConnectedResponse = z.object({ status: z.literal('connected'), connection: ConnectionView });
  const PendingResponse = z.object({ status: z.enum(['pending', 'mfa_required']), attemptId: z.uuid() });
  const AttemptResponse = z.object({
    attemptId: z.uuid(),
    status: AttemptStatusSchema,
    error: z.optional(z.object({ code: z.string(), message: z.string() })),
  });
  const ConnectionResponse = z.object({ connection: ConnectionView });

  const SyncSummary = z.object({
    activitiesWritten: z.int(),
    dailySummariesWritten: z.int(),
    profileUpdated: z.boolean(),
    garminRequests: z.int(),
  });

  const SyncResponse = z.object({
    /** synced: Garmin was called; fresh: the last sync is recent, answered from storage; in_progress: another sync holds the lease. */
    status: z.enum(['synced', 'fresh', 'in_progress', 'failed']),
    sync: z.optional(SyncSummary),
    error: z.optional(z.object({ code: z.string(), message: z.string() })),
    connection: ConnectionView,
  });

  const GarminFields = z.record(z.string(), z.unknown()).check(z.describe('The object exactly as Garmin returned it'));

  const ActivityView = z.object({
    activityId: z.string(),
    startTimeUtc: z.iso.datetime(),
    startTimeLocal: z.string().check(z.describe('Local time as Garmin reports it: YYYY-MM-DD HH:MM:SS')),
    garmin: GarminFields,
  });

  const ActivitiesResponse = z.object({ items: z.array(ActivityView), nextCursor: z.nullable(z.string()) });

  const DailySummaryView = z.object({
    date: IsoDate,
    final: z.boolean().check(z.describe('False while Garmin may still change the day (today, and yesterday for a while)')),
    garmin: GarminFields,
  });

  const DailySummariesResponse = z.object({ items: z.array(DailySummaryView) });

  /** A nullable figure, as described. */
  const figure = (description?: string) => {
    const schema = z.nullable(z.number());
    return description ? schema.check(z.describe(description)) : schema;
  };

  const EnergyDayView = z.object({
    date: IsoDate,
    wellnessData: z.boolean().check(z.describe('False when Garmin holds no wellness data for the day: the figures are null, not zero')),
    totalKcal: figure('Energy burned that day: restingKcal + activeKcal'),
    restingKcal: figure('Resting energy (BMR)'),
    activeKcal: figure('Active energy, recorded activities included: add this to a diary, not activitiesKcal'),
    activitiesKcal: z.number().check(z.describe('Part of activeKcal from recorded activities (their calories minus the resting share)')),
    consumedKcal: figure('Intake logged in Garmin Connect, when Garmin counts it for the day'),
    final: z.boolean(),
  });

  const EnergyResponse = z.object({ items: z.array(EnergyDayView) });

  const stored = { final: z.boolean().check(z.describe("False while Garmin may still change the day (the daily summaries' rule)")) };

  const WeighInView = z.object({
    date: IsoDate.check(z.describe('Local day of the weigh-in')),
    time: z.nullable(z.iso.datetime()),
    weightKg: figure(),
    bmi: figure(),
    bodyFatPct: figure(),
    bodyWaterPct: figure(),
    muscleMassKg: figure(),
    boneMassKg: figure(),
    source: z.nullable(z.string()).check(z.describe("Garmin's sourceType: INDEX_SCALE, MANUAL, ...")),
    ...stored,
  });
  const WeightResponse = z.object({ items: z.array(WeighInView) });

  const HydrationDayView = z.object({
    date: IsoDate,
    intakeMl: figure('Logged intake; null when nothing was logged'),
    goalMl: figure(),
    sweatLossMl: figure("Estimated from the day's activities, when Garmin has one"),
    ...stored,
  });
  const HydrationResponse = z.object({ items: z.array(HydrationDayView) });

  const SleepNightView = z.object({
    date: IsoDate.check(z.describe('The morning the night ended')),
    start: z.nullable(z.iso.datetime()),
    end: z.nullable(z.iso.datetime()),
    sleepSeconds: figure(),
    deepSeconds: figure(),
    lightSeconds: figure(),
    remSeconds: figure(),
    awakeSeconds: figure(),
    score: figure("Garmin's overall sleep score, when the device gives one"),
    ...stored,
  });
  const SleepResponse = z.object({ items: z.array(SleepNightView) });

  const ProfileResponse = z.object({
    profile: z.object({
      displayName: z.nullable(z.string()),
      fullName: z.nullable(z.string()),
      profileId: z.nullable(z.int()),
      unitSystem: z.nullable(z.string()),
      timeZone: z.nullable(z.string()),
      fetchedAt: z.iso.datetime(),
      garmin: z.object({ socialProfile: GarminFields, userSettings: GarminFields }),
    }),
  });

  const ErrorResponse = z.object({
    error: z.object({
      code: z.enum(Object.keys(API_ERRORS) as [keyof typeof API_ERRORS, ...Array<keyof typeof API_ERRORS>]),
      message: z.string(),
    }),
  });

  return {
    ConnectionView,
    ConnectedResponse,
    PendingResponse,
    AttemptResponse,
    ConnectionResponse,
    SyncSummary,
    SyncResponse,
    ActivityView,
    ActivitiesResponse,
    DailySummaryView,
    DailySummariesResponse,
    EnergyResponse,
    WeighInView,
    WeightResponse,
    HydrationDayView,
    HydrationResponse,
    SleepResponse,
    ProfileResponse,
    ErrorResponse,
  };
});

type Responses = ReturnType<typeof responseSchemas>;
export type ConnectionView = z.infer<Responses['ConnectionView']>;
export type SyncResponse = z.infer<Responses['SyncResponse']>;
export type ActivityView = z.infer<Responses['ActivityView']>;
export type DailySummaryView = z.infer<Responses['DailySummaryView']>;
export type EnergyResponse = z.infer<Responses['EnergyResponse']>;
export type WeightResponse = z.infer<Responses['WeightResponse']>;
export type HydrationResponse = z.infer<Responses['HydrationResponse']>;
export type SleepResponse = z.infer<Responses['SleepResponse']>;
export type ProfileResponse = z.infer<Responses['ProfileResponse']>;
