/**
 * The protocol between the TypeScript side and the Python Garmin bridge.
 * One JSON request in, one JSON response out, over Lambda Invoke or JSON lines on stdio.
 * This file is the single source of truth: `npm run schema:export` writes it as JSON Schema
 * to python-layer/garmin_bridge/protocol.schema.json, which the Python tests validate against.
 */
import * as z from 'zod';
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

const RequestId = z.string().min(1).max(64);
/**
 * The caller's deadline (epoch ms): the bridge starts no Garmin request after it and answers
 * with what it has, rotated tokens included, while the caller still waits. Set by the
 * bridge client (adapters/bridge/deadline.ts) from the call's timeout.
 */
const DeadlineMs = z.int().min(0);
const TokenBlob = z.string().min(2).max(BRIDGE_LIMITS.maxTokenBlobLength);

/** Where the bridge waits for an MFA code: an item of the attempts table (table name from the bridge's environment). */
export const MfaMailbox = z.strictObject({
  userId: z.string().min(1).max(128),
  attemptId: z.string().min(1).max(128),
  waitSeconds: z.int().min(1).max(BRIDGE_LIMITS.maxMfaWaitSeconds),
});

export const LoginRequest = z.strictObject({
  id: RequestId.optional(),
  op: z.literal('login'),
  deadlineMs: DeadlineMs.optional(),
  username: z.string().min(1).max(254),
  password: z.string().min(1).max(256),
  mfa: MfaMailbox.optional(),
});

export const VerifyRequest = z.strictObject({
  id: RequestId.optional(),
  op: z.literal('verify'),
  deadlineMs: DeadlineMs.optional(),
  tokens: TokenBlob,
});

/** Types fetched per date next to the daily summary: hydration (`get_hydration_data`), sleep (`get_sleep_data`). */
export const DAY_TYPES = ['hydration', 'sleep'] as const;
export type DayType = (typeof DAY_TYPES)[number];

export const ActivitiesQuery = z.strictObject({
  startDate: IsoDate,
  endDate: IsoDate.optional(),
  pageSize: z.int().min(1).max(BRIDGE_LIMITS.maxActivityPageSize).optional(),
  maxPages: z.int().min(1).max(BRIDGE_LIMITS.maxActivityPages).optional(),
});

export const FetchRequest = z.strictObject({
  id: RequestId.optional(),
  op: z.literal('fetch'),
  deadlineMs: DeadlineMs.optional(),
  tokens: TokenBlob,
  /** Known display name, so daily summaries need no profile request. */
  displayName: z.string().min(1).max(128).optional(),
  activities: ActivitiesQuery.optional(),
  dailySummaries: z
    .strictObject({
      dates: z.array(IsoDate).min(1).max(BRIDGE_LIMITS.maxSummaryDates),
      /** Per-day types read with each date's summary (one request each), so a day's data arrives whole or not at all. */
      types: z.array(z.enum(DAY_TYPES)).max(DAY_TYPES.length).optional(),
    })
    .optional(),
  /** Weigh-ins over a date range: one request (`get_weigh_ins`) whatever the number of days. */
  weight: z.strictObject({ startDate: IsoDate, endDate: IsoDate }).optional(),
  profile: z.boolean().optional(),
  /**
   * First ask when the user's device last uploaded (`get_device_last_used`, one request). With
   * `stopUnlessAfterMs`, the fetch stops there when Garmin names an upload no later than it.
   */
  probe: z.strictObject({ stopUnlessAfterMs: z.int().min(0).optional() }).optional(),
  /**
   * This call's share of BRIDGE_LIMITS.maxResultBytes when it travels in a batch (default: all of
   * it). Held strictly: a page or day that would pass it is left for the next chunk, unless it is the first.
   */
  maxResultBytes: z.int().min(1).max(BRIDGE_LIMITS.maxResultBytes).optional(),
});

export const PingRequest = z.strictObject({ id: RequestId.optional(), op: z.literal('ping') });

/** The service URLs Garmin's SSO issues tickets for, and so the only ones a ticket can be exchanged with. */
export const GarminServiceUrl = z.enum(GARMIN_SERVICE_URLS);
/** A CAS service ticket: single-use, short-lived, a secret (never logged, never stored). */
export const ServiceTicket = z.string().max(256).regex(SERVICE_TICKET_PATTERN);

/** Exchange a service ticket from a sign-in on the user's own device for DI tokens. */
export const ExchangeRequest = z.strictObject({
  id: RequestId.optional(),
  op: z.literal('exchange'),
  deadlineMs: DeadlineMs.optional(),
  ticket: ServiceTicket,
  serviceUrl: GarminServiceUrl,
});

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
  bodyFatPct: z.number().min(WRITE_LIMITS.minPercent).max(WRITE_LIMITS.maxPercent).optional(),
  bodyWaterPct: z.number().min(WRITE_LIMITS.minPercent).max(WRITE_LIMITS.maxPercent).optional(),
  muscleMassKg: z.number().positive().max(WRITE_LIMITS.maxFitWeightKg).optional(),
  boneMassKg: z.number().positive().max(WRITE_LIMITS.maxFitWeightKg).optional(),
  bmi: z.number().min(WRITE_LIMITS.minBmi).max(WRITE_LIMITS.maxBmi).optional(),
});
export type BodyComposition = z.infer<typeof BodyComposition>;

/**
 * Adds a weigh-in (`add_weigh_in`, kg; with body composition `add_body_composition`, a FIT
 * upload) at a local time with its offset (the weigh-in's day is that local date), then reads
 * that day's weigh-ins back (`get_weigh_ins`, one request).
 */
export const AddWeighInRequest = z.strictObject({
  id: RequestId.optional(),
  op: z.literal('addWeighIn'),
  deadlineMs: DeadlineMs.optional(),
  tokens: TokenBlob,
  /** Local wall-clock time with the user's UTC offset, e.g. 2026-11-30T07:15:00+01:00. */
  timestamp: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/),
  weightKg: z.number().positive().max(WRITE_LIMITS.maxWeightKg),
  /** With it the weigh-in is a FIT upload (`add_body_composition`) rather than a manual entry (`add_weigh_in`). */
  bodyComposition: BodyComposition.optional(),
});

/** Adds intake to a day's hydration (`add_hydration_data`, ml), then reads the day back (`get_hydration_data`). */
export const AddHydrationRequest = z.strictObject({
  id: RequestId.optional(),
  op: z.literal('addHydration'),
  deadlineMs: DeadlineMs.optional(),
  tokens: TokenBlob,
  date: IsoDate,
  ml: z.number().positive().max(WRITE_LIMITS.maxHydrationMl),
});

export const BridgeRequest = z.discriminatedUnion('op', [
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
export const BatchRequest = z.strictObject({
  id: RequestId.optional(),
  op: z.literal('batch'),
  calls: z.array(FetchRequest.required({ id: true })).min(1).max(BRIDGE_LIMITS.maxBatchCalls),
});

/** What the bridge function accepts: one call, or a batch of fetches. */
export const BridgeInvocation = z.discriminatedUnion('op', [...BridgeRequest.options, BatchRequest]);

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
export const BridgeErrorCode = z.enum(BRIDGE_ERROR_CODES);

export const BridgeError = z.strictObject({
  code: BridgeErrorCode,
  message: z.string(),
  retryAfterSeconds: z.int().min(0).optional(),
});

const GarminObject = z.record(z.string(), z.unknown());

export const DAY_UNAVAILABLE_REASONS = ['no_content', 'privacy_protected'] as const;

export const ProfileBasics = z.strictObject({
  displayName: z.string(),
  fullName: z.string().nullable(),
  profileId: z.int().nullable(),
  unitSystem: z.string().nullable(),
});

/** Garmin's answers for the per-day types asked, as given. */
const DayTypeResults = { hydration: GarminObject.optional(), sleep: GarminObject.optional() };

export const FetchResult = z.strictObject({
  displayName: z.string().nullable(),
  /**
   * The probe's answer: `lastUsedDeviceUploadTime` (epoch ms), null when Garmin named none
   * (no device, field missing or null, another shape); `stopped`: nothing else was fetched.
   */
  probe: z.strictObject({ lastUploadMs: z.int().min(0).nullable(), stopped: z.boolean() }).optional(),
  activities: z
    .strictObject({
      items: z.array(GarminObject),
      /** False when maxPages stopped the paging before the range was exhausted. */
      complete: z.boolean(),
      pages: z.int().min(0),
    })
    .optional(),
  dailySummaries: z
    .strictObject({
      /** In the order asked; dates missing at the end were not fetched (budget or failure). */
      items: z.array(
        z.union([
          z.strictObject({ date: IsoDate, summary: GarminObject, ...DayTypeResults }),
          /** Garmin had nothing to show for the day (204, or privacy protected): only that day is retried later. */
          z.strictObject({ date: IsoDate, unavailable: z.enum(DAY_UNAVAILABLE_REASONS), ...DayTypeResults }),
        ]),
      ),
    })
    .optional(),
  /** Garmin's weight range answer (`dailyWeightSummaries` per day with weigh-ins) for the range asked. */
  weight: z.strictObject({ startDate: IsoDate, endDate: IsoDate, range: GarminObject }).optional(),
  profile: z
    .strictObject({
      basics: ProfileBasics,
      socialProfile: GarminObject,
      userSettings: GarminObject,
      /** IANA zone from Garmin: decides the user's "today" and when a day is final. */
      timeZone: z.string().nullable(),
    })
    .optional(),
});

export const AuthResult = z.strictObject({ profile: ProfileBasics });

/**
 * A write Garmin accepted: its answer, and the written day as a fetch reads it (`weight`: the
 * range answer for that one date; `hydration`: the day's summary), absent when that read-back
 * failed after the write (the write stands; the next sync of that day brings it).
 */
export const WriteResult = z.strictObject({
  date: IsoDate,
  written: GarminObject.nullable(),
  weight: GarminObject.optional(),
  hydration: GarminObject.optional(),
});

export const PingResult = z.strictObject({
  protocolVersion: z.literal(BRIDGE_PROTOCOL_VERSION),
  garminconnectVersion: z.string(),
  pythonVersion: z.string(),
});

const Envelope = {
  id: RequestId.nullable().optional(),
  /** Current token blob after the call (rotated or not); null when the call holds no tokens. */
  tokens: TokenBlob.nullable(),
  tokensChanged: z.boolean(),
  /**
   * When garminconnect will refresh `tokens` (epoch s: the access token's expiry less its 15-minute
   * margin); absent when unknown. A sync that could reach it runs alone (core/sync/claimed-run.ts).
   */
  tokensRefreshAt: z.int().min(0).optional(),
  /** HTTP requests this call sent to Garmin, counted by the bridge. */
  garminRequests: z.int().min(0),
  durationMs: z.int().min(0),
};

export const BridgeSuccess = z.strictObject({
  ...Envelope,
  ok: z.literal(true),
  result: z.union([FetchResult, AuthResult, PingResult, WriteResult]),
});

export const BridgeFailure = z.strictObject({
  ...Envelope,
  ok: z.literal(false),
  error: BridgeError,
  /** What a fetch had already obtained before it failed, so nothing fetched is lost. */
  partial: FetchResult.optional(),
});

export const BridgeResponse = z.discriminatedUnion('ok', [BridgeSuccess, BridgeFailure]);

/** Every call's own answer, in the order asked; a batch refused as a whole (INVALID_REQUEST) is one failure. */
export const BatchResponse = z.discriminatedUnion('ok', [
  z.strictObject({
    id: RequestId.nullable().optional(),
    ok: z.literal(true),
    responses: z.array(BridgeResponse),
    durationMs: z.int().min(0),
  }),
  BridgeFailure,
]);

export type BridgeRequest = z.infer<typeof BridgeRequest>;
export type LoginRequest = z.infer<typeof LoginRequest>;
export type VerifyRequest = z.infer<typeof VerifyRequest>;
export type ExchangeRequest = z.infer<typeof ExchangeRequest>;
export type FetchRequest = z.infer<typeof FetchRequest>;
export type AddWeighInRequest = z.infer<typeof AddWeighInRequest>;
export type AddHydrationRequest = z.infer<typeof AddHydrationRequest>;
export type WriteResult = z.infer<typeof WriteResult>;
export type BridgeResponse = z.infer<typeof BridgeResponse>;
export type BatchRequest = z.infer<typeof BatchRequest>;
export type BatchResponse = z.infer<typeof BatchResponse>;
export type BridgeSuccess = z.infer<typeof BridgeSuccess>;
export type BridgeFailure = z.infer<typeof BridgeFailure>;
export type BridgeErrorCode = z.infer<typeof BridgeErrorCode>;
export type BridgeError = z.infer<typeof BridgeError>;
export type FetchResult = z.infer<typeof FetchResult>;
export type ProfileBasics = z.infer<typeof ProfileBasics>;

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

export const bridgeJsonSchema = () => ({
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
});

/** The result of a successful call, narrowed to its operation. */
export const authResultOf = (response: BridgeSuccess): z.infer<typeof AuthResult> => AuthResult.parse(response.result);
export const fetchResultOf = (response: BridgeSuccess): FetchResult => FetchResult.parse(response.result);
export const writeResultOf = (response: BridgeSuccess): WriteResult => WriteResult.parse(response.result);
