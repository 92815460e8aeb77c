/**
 * The protocol between the TypeScript side and the Python Garmin bridge.
 * One JSON request in, one JSON response out, over Lambda Invoke or JSON lines on stdio.
 * This file is the single source of truth: `npm run schema:export` writes it as JSON Schema
 * to python-layer/garmin_bridge/protocol.schema.json, which the Python tests validate against.
 */
import * as z from './zod';
import { once } from './once';
import { AttemptStatusSchema } from './statuses';
import { GARMIN_SERVICE_URLS, SERVICE_TICKET_PATTERN } from '../../../packages/garmin-device-signin/src/garmin';

export { GARMIN_SERVICE_URLS };

export const BRIDGE_PROTOCOL_VERSION = 1;

/** Bounds shared by both sides; the bridge enforces the same numbers from the exported schema. */
export const BRIDGE_LIMITS = {
  maxMfaWaitSeconds: 900,
  maxActivityPageSize: 1000,
  defaultActivityPageSize: 100,
  maxActivityPages: 100,
  defaultActivityPages: 50,
  maxSummaryDates: 400,
  maxTokenBlobLength: 16_384,
  /**
   * Bytes of Garmin objects one fetch result may carry (measured as compact JSON). Lambda
   * answers a synchronous invoke with at most 6 MB (AWS_LIMITS.lambdaSyncPayloadBytes); a
   * page of 100 real activities is up to ~550 KB, so a fetch that stops paging past this
   * stays well below.
   */
  maxResultBytes: 4_000_000,
  /**
   * Fetches one `batch` invocation may carry: the sync worker's SQS batch (infra/sizing.ts
   * SYNC_BATCH_SIZE). Their results share maxResultBytes (each call gets its `maxResultBytes`
   * share), so a batch's answer stays within Lambda's 6 MB like one fetch's.
   */
  maxBatchCalls: 10,
} as const;

/** A calendar date, YYYY-MM-DD (the exported pattern rejects impossible dates too). */
export const IsoDate = z.iso.date();

/** Types fetched per date next to the daily summary: hydration (`get_hydration_data`), sleep (`get_sleep_data`). */
export const DAY_TYPES = ['hydration', 'sleep'] as const;
export type DayType = (typeof DAY_TYPES)[number];

/** The service URLs Garmin's SSO issues tickets for, and so the only ones a ticket can be exchanged with. */
export const GarminServiceUrl = z.enum(GARMIN_SERVICE_URLS);
/** A CAS service ticket: single-use, short-lived, a secret (never logged, never stored). */
export const ServiceTicket = z.string().check(z.maxLength(256), z.regex(SERVICE_TICKET_PATTERN));

/** Garmin's own bounds on a manual entry (garminconnect's MAX_HYDRATION_ML; a weigh-in must be positive). */
/** A weigh-in below 1 kg is a unit mistake, not a person; an intake is whole millilitres. */
export const WRITE_LIMITS = {
  minWeightKg: 1,
  maxWeightKg: 1000,
  maxHydrationMl: 10_000,
  /** Body composition travels in a FIT weight_scale message, weight and masses as uint16 hundredths of a kg (at most 655.34). */
  maxFitWeightKg: 655,
  minPercent: 1,
  maxPercent: 100,
  minBmi: 5,
  maxBmi: 200,
} as const;

/**
 * A weigh-in's body composition (percent of body weight, kg, BMI): `add_body_composition`
 * uploads it as a FIT file with the weight. Defined once: the write route's body and the bridge request.
 */
export const BodyComposition = z.strictObject({
  bodyFatPct: z.optional(z.number().check(z.gte(WRITE_LIMITS.minPercent), z.lte(WRITE_LIMITS.maxPercent))),
  bodyWaterPct: z.optional(z.number().check(z.gte(WRITE_LIMITS.minPercent), z.lte(WRITE_LIMITS.maxPercent))),
  muscleMassKg: z.optional(z.number().check(z.positive(), z.lte(WRITE_LIMITS.maxFitWeightKg))),
  boneMassKg: z.optional(z.number().check(z.positive(), z.lte(WRITE_LIMITS.maxFitWeightKg))),
  bmi: z.optional(z.number().check(z.gte(WRITE_LIMITS.minBmi), z.lte(WRITE_LIMITS.maxBmi))),
});
export type BodyComposition = z.infer<typeof BodyComposition>;

export const BRIDGE_ERROR_CODES = [
  'INVALID_CREDENTIALS',
  'MFA_REQUIRED',
  'MFA_INVALID',
  'MFA_TIMEOUT',
  'TOKEN_REJECTED',
  'RATE_LIMITED',
  /** Every login strategy refused (403/427/429): Garmin's SSO blocks this network, not this user. */
  'LOGIN_BLOCKED',
  /** The sign-in succeeded but Garmin issued no DI tokens (the library fell back to a web session). */
  'LOGIN_INCOMPLETE',
  'UPSTREAM_UNAVAILABLE',
  /** Garmin refused the service ticket: already used, expired, or issued for another service. */
  'TICKET_REJECTED',
  /** The caller's deadline came before the work was done: what was fetched (and the tokens) is in the answer. */
  'DEADLINE_REACHED',
  /** The connect attempt ended (or was erased) while the bridge waited for an MFA code: nothing may come of the login. */
  'ATTEMPT_ENDED',
  'INVALID_REQUEST',
  'INTERNAL',
] as const;

export const DAY_UNAVAILABLE_REASONS = ['no_content', 'privacy_protected'] as const;

/**
 * The messages' schemas, built on the first call (once): by a function's first bridge call, and never
 * by a function that does not call the bridge (read, dispatch, deliver-events), for which they were
 * about a third of the schemas built at import. Their types are below.
 */
export const bridgeSchemas = once(() => {
  const RequestId = z.string().check(z.minLength(1), z.maxLength(64));
  /**
   * The caller's deadline (epoch ms): the bridge starts no Garmin request after it and answers
   * with what it has, rotated tokens included, while the caller still waits. Set by the
   * bridge client (adapters/bridge/deadline.ts) from the call's timeout.
   */
  const DeadlineMs = z.int().check(z.gte(0));
  const TokenBlob = z.string().check(z.minLength(2), z.maxLength(BRIDGE_LIMITS.maxTokenBlobLength));

  /** Where the bridge waits for an MFA code: an item of the attempts table (table name from the bridge's environment). */
  const MfaMailbox = z.strictObject({
    userId: z.string().check(z.minLength(1), z.maxLength(128)),
    attemptId: z.string().check(z.minLength(1), z.maxLength(128)),
    waitSeconds: z.int().check(z.gte(1), z.lte(BRIDGE_LIMITS.maxMfaWaitSeconds)),
  });

  const LoginRequest = z.strictObject({
    id: z.optional(RequestId),
    op: z.literal('login'),
    deadlineMs: z.optional(DeadlineMs),
    username: z.string().check(z.minLength(1), z.maxLength(254)),
    password: z.string().check(z.minLength(1), z.maxLength(256)),
    mfa: z.optional(MfaMailbox),
  });

  const VerifyRequest = z.strictObject({
    id: z.optional(RequestId),
    op: z.literal('verify'),
    deadlineMs: z.optional(DeadlineMs),
    tokens: TokenBlob,
  });

  const ActivitiesQuery = z.strictObject({
    startDate: IsoDate,
    endDate: z.optional(IsoDate),
    pageSize: z.optional(z.int().check(z.gte(1), z.lte(BRIDGE_LIMITS.maxActivityPageSize))),
    maxPages: z.optional(z.int().check(z.gte(1), z.lte(BRIDGE_LIMITS.maxActivityPages))),
  });

  const FetchRequest = z.strictObject({
    id: z.optional(RequestId),
    op: z.literal('fetch'),
    deadlineMs: z.optional(DeadlineMs),
    tokens: TokenBlob,
    /** Known display name, so daily summaries need no profile request. */
    displayName: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    activities: z.optional(ActivitiesQuery),
    dailySummaries: z.optional(
      z.strictObject({
        dates: z.array(IsoDate).check(z.minLength(1), z.maxLength(BRIDGE_LIMITS.maxSummaryDates)),
        /** Per-day types read with each date's summary (one request each), so a day's data arrives whole or not at all. */
        types: z.optional(z.array(z.enum(DAY_TYPES)).check(z.maxLength(DAY_TYPES.length))),
      }),
    ),
    /** Weigh-ins over a date range: one request (`get_weigh_ins`) whatever the number of days. */
    weight: z.optional(z.strictObject({ startDate: IsoDate, endDate: IsoDate })),
    profile: z.optional(z.boolean()),
    /**
     * First ask when the user's device last uploaded (`get_device_last_used`, one request). With
     * `stopUnlessAfterMs`, the fetch stops there when Garmin names an upload no later than it.
     */
    probe: z.optional(z.strictObject({ stopUnlessAfterMs: z.optional(z.int().check(z.gte(0))) })),
    /**
     * This call's share of BRIDGE_LIMITS.maxResultBytes when it travels in a batch (default: all of
     * it). Held strictly: a page or day that would pass it is left for the next chunk, unless it is the first.
     */
    maxResultBytes: z.optional(z.int().check(z.gte(1), z.lte(BRIDGE_LIMITS.maxResultBytes))),
  });

  const PingRequest = z.strictObject({ id: z.optional(RequestId), op: z.literal('ping') });

  /** Exchange a service ticket from a sign-in on the user's own device for DI tokens. */
  const ExchangeRequest = z.strictObject({
    id: z.optional(RequestId),
    op: z.literal('exchange'),
    deadlineMs: z.optional(DeadlineMs),
    ticket: ServiceTicket,
    serviceUrl: GarminServiceUrl,
  });

  /**
   * Adds a weigh-in (`add_weigh_in`, kg; with body composition `add_body_composition`, a FIT
   * upload) at a local time with its offset (the weigh-in's day is that local date), then reads
   * that day's weigh-ins back (`get_weigh_ins`, one request).
   */
  const AddWeighInRequest = z.strictObject({
    id: z.optional(RequestId),
    op: z.literal('addWeighIn'),
    deadlineMs: z.optional(DeadlineMs),
    tokens: TokenBlob,
    /** Local wall-clock time with the user's UTC offset, e.g. 2026-11-30T07:15:00+01:00. */
    timestamp: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/)),
    weightKg: z.number().check(z.positive(), z.lte(WRITE_LIMITS.maxWeightKg)),
    /** With it the weigh-in is a FIT upload (`add_body_composition`) rather than a manual entry (`add_weigh_in`). */
    bodyComposition: z.optional(BodyComposition),
  });

  /** Adds intake to a day's hydration (`add_hydration_data`, ml), then reads the day back (`get_hydration_data`). */
  const AddHydrationRequest = z.strictObject({
    id: z.optional(RequestId),
    op: z.literal('addHydration'),
    deadlineMs: z.optional(DeadlineMs),
    tokens: TokenBlob,
    date: IsoDate,
    ml: z.number().check(z.positive(), z.lte(WRITE_LIMITS.maxHydrationMl)),
  });

  const BridgeRequest = z.discriminatedUnion('op', [
    LoginRequest,
    VerifyRequest,
    FetchRequest,
    ExchangeRequest,
    PingRequest,
    AddWeighInRequest,
    AddHydrationRequest,
  ]);

  /**
   * Several users' fetches in one invocation (the sync worker's SQS batch): the bridge runs them
   * concurrently, each with its own Garmin client, and answers each one on its own, matched by id.
   */
  const BatchRequest = z.strictObject({
    id: z.optional(RequestId),
    op: z.literal('batch'),
    calls: z.array(z.required(FetchRequest, { id: true })).check(z.minLength(1), z.maxLength(BRIDGE_LIMITS.maxBatchCalls)),
  });

  /** What the bridge function accepts: one call, or a batch of fetches. */
  const BridgeInvocation = z.discriminatedUnion('op', [...BridgeRequest.def.options, BatchRequest]);

  const BridgeErrorCode = z.enum(BRIDGE_ERROR_CODES);

  const BridgeError = z.strictObject({
    code: BridgeErrorCode,
    message: z.string(),
    retryAfterSeconds: z.optional(z.int().check(z.gte(0))),
  });

  const GarminObject = z.record(z.string(), z.unknown());

  const ProfileBasics = z.strictObject({
    displayName: z.string(),
    fullName: z.nullable(z.string()),
    profileId: z.nullable(z.int()),
    unitSystem: z.nullable(z.string()),
  });

  /** Garmin's answers for the per-day types asked, as given. */
  const DayTypeResults = { hydration: z.optional(GarminObject), sleep: z.optional(GarminObject) };

  const FetchResult = z.strictObject({
    displayName: z.nullable(z.string()),
    /**
     * The probe's answer: `lastUsedDeviceUploadTime` (epoch ms), null when Garmin named none
     * (no device, field missing or null, another shape); `stopped`: nothing else was fetched.
     */
    probe: z.optional(z.strictObject({ lastUploadMs: z.nullable(z.int().check(z.gte(0))), stopped: z.boolean() })),
    activities: z.optional(
      z.strictObject({
        items: z.array(GarminObject),
        /** False when maxPages stopped the paging before the range was exhausted. */
        complete: z.boolean(),
        pages: z.int().check(z.gte(0)),
      }),
    ),
    dailySummaries: z.optional(
      z.strictObject({
        /** In the order asked; dates missing at the end were not fetched (budget or failure). */
        items: z.array(
          z.union([
            z.strictObject({ date: IsoDate, summary: GarminObject, ...DayTypeResults }),
            /** Garmin had nothing to show for the day (204, or privacy protected): only that day is retried later. */
            z.strictObject({ date: IsoDate, unavailable: z.enum(DAY_UNAVAILABLE_REASONS), ...DayTypeResults }),
          ]),
        ),
      }),
    ),
    /** Garmin's weight range answer (`dailyWeightSummaries` per day with weigh-ins) for the range asked. */
    weight: z.optional(z.strictObject({ startDate: IsoDate, endDate: IsoDate, range: GarminObject })),
    profile: z.optional(
      z.strictObject({
        basics: ProfileBasics,
        socialProfile: GarminObject,
        userSettings: GarminObject,
        /** IANA zone from Garmin: decides the user's "today" and when a day is final. */
        timeZone: z.nullable(z.string()),
      }),
    ),
  });

  const AuthResult = z.strictObject({ profile: ProfileBasics });

  /**
   * A write Garmin accepted: its answer, and the written day as a fetch reads it (`weight`: the
   * range answer for that one date; `hydration`: the day's summary), absent when that read-back
   * failed after the write (the write stands; the next sync of that day brings it).
   */
  const WriteResult = z.strictObject({
    date: IsoDate,
    written: z.nullable(GarminObject),
    weight: z.optional(GarminObject),
    hydration: z.optional(GarminObject),
  });

  const PingResult = z.strictObject({
    protocolVersion: z.literal(BRIDGE_PROTOCOL_VERSION),
    garminconnectVersion: z.string(),
    pythonVersion: z.string(),
  });

  const Envelope = {
    id: z.optional(z.nullable(RequestId)),
    /** Current token blob after the call (rotated or not); null when the call holds no tokens. */
    tokens: z.nullable(TokenBlob),
    tokensChanged: z.boolean(),
    /**
     * When garminconnect will refresh `tokens` (epoch s: the access token's expiry less its 15-minute
     * margin); absent when unknown. A sync that could reach it runs alone (core/sync/claimed-run.ts).
     */
    tokensRefreshAt: z.optional(z.int().check(z.gte(0))),
    /** HTTP requests this call sent to Garmin, counted by the bridge. */
    garminRequests: z.int().check(z.gte(0)),
    durationMs: z.int().check(z.gte(0)),
  };

  const BridgeSuccess = z.strictObject({
    ...Envelope,
    ok: z.literal(true),
    result: z.union([FetchResult, AuthResult, PingResult, WriteResult]),
  });

  const BridgeFailure = z.strictObject({
    ...Envelope,
    ok: z.literal(false),
    error: BridgeError,
    /** What a fetch had already obtained before it failed, so nothing fetched is lost. */
    partial: z.optional(FetchResult),
  });

  const BridgeResponse = z.discriminatedUnion('ok', [BridgeSuccess, BridgeFailure]);

  /** Every call's own answer, in the order asked; a batch refused as a whole (INVALID_REQUEST) is one failure. */
  const BatchResponse = z.discriminatedUnion('ok', [
    z.strictObject({
      id: z.optional(z.nullable(RequestId)),
      ok: z.literal(true),
      responses: z.array(BridgeResponse),
      durationMs: z.int().check(z.gte(0)),
    }),
    BridgeFailure,
  ]);

  return {
    MfaMailbox, LoginRequest, VerifyRequest, ActivitiesQuery, FetchRequest, PingRequest, ExchangeRequest,
    AddWeighInRequest, AddHydrationRequest, BridgeRequest, BatchRequest, BridgeInvocation, BridgeErrorCode,
    BridgeError, ProfileBasics, FetchResult, AuthResult, WriteResult, PingResult, BridgeSuccess,
    BridgeFailure, BridgeResponse, BatchResponse,
  };
});

type Schemas = ReturnType<typeof bridgeSchemas>;
export type BridgeRequest = z.infer<Schemas['BridgeRequest']>;
export type LoginRequest = z.infer<Schemas['LoginRequest']>;
export type VerifyRequest = z.infer<Schemas['VerifyRequest']>;
export type ExchangeRequest = z.infer<Schemas['ExchangeRequest']>;
export type FetchRequest = z.infer<Schemas['FetchRequest']>;
export type AddWeighInRequest = z.infer<Schemas['AddWeighInRequest']>;
export type AddHydrationRequest = z.infer<Schemas['AddHydrationRequest']>;
export type WriteResult = z.infer<Schemas['WriteResult']>;
export type BridgeResponse = z.infer<Schemas['BridgeResponse']>;
export type BatchRequest = z.infer<Schemas['BatchRequest']>;
export type BatchResponse = z.infer<Schemas['BatchResponse']>;
export type BridgeSuccess = z.infer<Schemas['BridgeSuccess']>;
export type BridgeFailure = z.infer<Schemas['BridgeFailure']>;
export type BridgeErrorCode = z.infer<Schemas['BridgeErrorCode']>;
export type BridgeError = z.infer<Schemas['BridgeError']>;
export type FetchResult = z.infer<Schemas['FetchResult']>;
export type ProfileBasics = z.infer<Schemas['ProfileBasics']>;

/** The MFA mailbox attributes on an attempt item: written by the TS side (code) and the bridge (status, outcome). */
export const MFA_MAILBOX_FIELDS = {
  partitionKey: 'user_id',
  sortKey: 'attempt_id',
  status: 'status',
  code: 'mfa_code',
  codeId: 'mfa_code_id',
  outcome: 'mfa_outcome',
  outcomeCodeId: 'mfa_outcome_code_id',
  requestedAt: 'mfa_requested_at',
  /** Epoch seconds after which the attempt is over (the attempts table's TTL attribute). */
  expiresAt: 'expires_at',
  /** How many codes the app posted (capped at LIMITS.mfaSubmissionsPerAttempt). */
  submissions: 'mfa_submissions',
} as const;

/** Values the bridge writes to `MFA_MAILBOX_FIELDS.outcome`. */
export const MFA_OUTCOMES = ['accepted', 'invalid'] as const;

export const bridgeJsonSchema = () => {
  const { BridgeInvocation, BridgeResponse, BatchResponse } = bridgeSchemas();
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Garmin bridge protocol',
    protocolVersion: BRIDGE_PROTOCOL_VERSION,
    limits: BRIDGE_LIMITS,
    mailboxFields: MFA_MAILBOX_FIELDS,
    mfaOutcomes: MFA_OUTCOMES,
    /** What MFA_MAILBOX_FIELDS.status holds; the bridge writes `mfa_required` and `pending`. */
    attemptStatuses: AttemptStatusSchema.options,
    writeLimits: WRITE_LIMITS,
    garminServiceUrls: GARMIN_SERVICE_URLS,
    request: z.toJSONSchema(BridgeInvocation, { target: 'draft-2020-12', io: 'input' }),
    response: z.toJSONSchema(BridgeResponse, { target: 'draft-2020-12', io: 'output' }),
    batchResponse: z.toJSONSchema(BatchResponse, { target: 'draft-2020-12', io: 'output' }),
  };
};

/** The result of a successful call, narrowed to its operation. */
export const authResultOf = (response: BridgeSuccess): z.infer<Schemas['AuthResult']> => bridgeSchemas().AuthResult.parse(response.result);
export const fetchResultOf = (response: BridgeSuccess): FetchResult => bridgeSchemas().FetchResult.parse(response.result);
export const writeResultOf = (response: BridgeSuccess): WriteResult => bridgeSchemas().WriteResult.parse(response.result);
