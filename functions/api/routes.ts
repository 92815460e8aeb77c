/**
 * The HTTP API's one route table: per route key the function that serves it, what the request
 * carries (path, query, header, body: the zod schemas the handlers parse with), what it answers
 * and the error codes it refuses with. Built from it: the handlers' routing
 * (functions/handlers/commons/http.ts), API Gateway's routes (infra/constructs/api.ts), the local
 * server's routes and the OpenAPI document (scripts/local/openapi.ts → docs/openapi.json).
 *
 * Every route also answers what no entry lists: EVERY_ROUTE's refusals (the per-user API
 * throttle's 429, before anything else), 400 VALIDATION_ERROR when it takes any input, 401, 431
 * and 500, and 413 when it takes a body (scripts/local/openapi.ts documents them).
 */
import type * as z from '../core/shared/zod';
import * as api from '../core/shared/api-schemas';
import * as writes from '../core/shared/api-write-schemas';
import { GARMIN_SERVICE_URLS } from '../core/shared/bridge-protocol';
import type { ApiErrorCode } from '../core/shared/errors';
import { ChangesQuery, MAX_FEED_PAGE, changesResponseSchema } from '../core/events/feed-service';
import { EVENT_LIMITS } from '../core/events/rules';
import { LIMITS } from '../core/shared/limits';

/** The Lambda functions behind the API. */
export type ApiFunction = 'connect' | 'sync' | 'read';
export type Tag = 'connection' | 'sync' | 'writes' | 'data';

/** Path or query parameters: one zod object, a description per property. */
export interface ParametersSpec {
  schema: z.ZodMiniType;
  descriptions: Record<string, string>;
}

export interface HeaderSpec {
  /** As documented; API Gateway's HTTP API hands it on lower-cased. */
  name: string;
  schema: z.ZodMiniType<string>;
  description: string;
  /** The 400's message when the header is missing. */
  missing: string;
}

export interface BodySpec {
  schema: z.ZodMiniType;
  required: boolean;
}

export interface Answer {
  description: string;
  /** The answer's schema, by its name in NAMED_SCHEMAS.responses. */
  schema?: ResponseName;
}

export interface Refusal {
  codes: readonly ApiErrorCode[];
  description: string;
  retryAfter?: true;
}

export interface RouteSpec {
  fn: ApiFunction;
  operationId: string;
  tags: readonly Tag[];
  summary: string;
  description?: string;
  path?: ParametersSpec;
  query?: ParametersSpec;
  header?: HeaderSpec;
  body?: BodySpec;
  /** Success statuses. */
  answers: Record<number, Answer>;
  /** This route's own error statuses (the shared ones are in the header comment). */
  refusals: Record<number, Refusal>;
}

/**
 * Schemas the OpenAPI document names as components (request bodies are read as zod input,
 * answers as output). The answers' schemas are built on the first call of `responses`: only
 * the document reads them (a handler's answer is typed by them, never parsed), so a function's
 * import builds none of them.
 */
export const NAMED_SCHEMAS = {
  requests: {
    ConnectWithPassword: api.ConnectWithPasswordBody,
    ImportTokens: api.ImportTokensBody,
    ExchangeTicket: api.ExchangeTicketBody,
    ConnectRequest: api.ConnectBody,
    MfaCodeRequest: api.MfaBody,
    SyncRequest: api.SyncBody,
    DataTypesRequest: api.DataTypesBody,
    WeightWriteRequest: writes.WeightWriteBody,
    HydrationWriteRequest: writes.HydrationWriteBody,
  } satisfies Record<string, z.ZodMiniType>,
  responses: () => {
    const answers = api.responseSchemas();
    const writeAnswers = writes.writeResponseSchemas();
    return {
      Connection: answers.ConnectionView,
      ConnectedResponse: answers.ConnectedResponse,
      PendingResponse: answers.PendingResponse,
      AttemptResponse: answers.AttemptResponse,
      ConnectionResponse: answers.ConnectionResponse,
      SyncSummary: answers.SyncSummary,
      SyncResponse: answers.SyncResponse,
      Activity: answers.ActivityView,
      ActivitiesResponse: answers.ActivitiesResponse,
      DailySummary: answers.DailySummaryView,
      DailySummariesResponse: answers.DailySummariesResponse,
      EnergyResponse: answers.EnergyResponse,
      WeightResponse: answers.WeightResponse,
      HydrationResponse: answers.HydrationResponse,
      SleepResponse: answers.SleepResponse,
      ProfileResponse: answers.ProfileResponse,
      WeightWriteResponse: writeAnswers.WeightWriteResponse,
      HydrationWriteResponse: writeAnswers.HydrationWriteResponse,
      Error: answers.ErrorResponse,
      ChangesResponse: changesResponseSchema(),
    } as const satisfies Record<string, z.ZodMiniType>;
  },
} as const;

/** An answer's component name. */
export type ResponseName = keyof ReturnType<typeof NAMED_SCHEMAS.responses>;

/** What every route may answer, merged with the route's own refusal at that status. */
export const EVERY_ROUTE: { refusals: Record<number, Refusal> } = {
  refusals: {
    429: {
      codes: ['TOO_MANY_REQUESTS'],
      description:
        `Over the user's API requests (${LIMITS.apiRequestsPerWindow.read} reads and ${LIMITS.apiRequestsPerWindow.change} other requests ` +
        `per ${LIMITS.apiThrottleWindowSeconds} s; nothing was done)`,
      retryAfter: true,
    },
    503: {
      codes: ['SERVICE_BUSY'],
      description: 'Our storage is throttled for a moment (after its own retries); retry after Retry-After. A write with the same Idempotency-Key writes once',
      retryAfter: true,
    },
  },
};

const notConnected: Refusal = { codes: ['NOT_CONNECTED'], description: 'No Garmin account is connected for this user' };
const needsConnection: Refusal = { codes: ['NOT_CONNECTED'], description: 'No connection, or it needs the user to log in again' };
const loginIncomplete: Refusal = {
  codes: ['GARMIN_LOGIN_INCOMPLETE'],
  description: 'Garmin accepted the sign-in but issued no API tokens; nothing was stored',
};

const attemptPath = {
  schema: api.AttemptPath,
  descriptions: { attemptId: 'The `attemptId` a 202 from POST /garmin/connection returned' },
} as const satisfies ParametersSpec;

/** A read of the stored days of a date range (`from`, `to`), answered with `schema`. */
const dateRangeRead = (schema: ResponseName) =>
  ({
    fn: 'read',
    tags: ['data'],
    query: {
      schema: api.DailySummariesQuery,
      descriptions: {
        from: 'First day (YYYY-MM-DD), inclusive',
        to: `Last day (YYYY-MM-DD), inclusive; not before \`from\`; the range spans at most ${api.MAX_SUMMARY_RANGE_DAYS} days, both ends included`,
      },
    },
    answers: { 200: { description: 'The stored days of the range', schema } },
    refusals: {},
  }) as const;

const idempotencyKey = {
  name: 'Idempotency-Key',
  schema: writes.IdempotencyKey,
  description: [
    'One new key per intended write (a UUID), the same on every retry of it. A retry with the key gets the first answer',
    `and never writes to Garmin again, for ${LIMITS.idempotencyKeySeconds / 3600} h; the key with another body is refused (422).`,
    'An error answer is replayed too once the write reached Garmin: retry that with a new key.',
  ].join(' '),
  missing: 'A write needs an Idempotency-Key header (one new key per write, the same on its retries)',
} as const satisfies HeaderSpec;

/** What both writes refuse with. */
const writeRefusals: Record<number, Refusal> = {
  404: needsConnection,
  409: {
    codes: ['WRITE_IN_PROGRESS', 'GARMIN_CALL_IN_PROGRESS'],
    description:
      'The first request with this key has not answered yet (or never will: a lost answer keeps the key, so nothing is written twice), or a sync of this user is talking to Garmin',
    retryAfter: true,
  },
  422: {
    codes: ['IDEMPOTENCY_KEY_REUSED', 'GARMIN_TOKENS_REJECTED'],
    description: 'The key was used with another body, or Garmin refused the tokens (the next sync logs in again or asks the user)',
  },
  429: {
    codes: ['RATE_LIMITED', 'GARMIN_RATE_LIMITED'],
    description: `Over the user's Garmin calls (writes count with the syncs: ${LIMITS.fetchesPerHour} an hour), or Garmin is limiting`,
    retryAfter: true,
  },
  503: { codes: ['GARMIN_UNAVAILABLE'], description: 'Garmin failed the write' },
};

export const API_ROUTES = {
  'POST /garmin/connection': {
    fn: 'connect',
    operationId: 'connectGarmin',
    tags: ['connection'],
    summary: "Connect the caller's Garmin account",
    description: [
      'With `username` + `password`: the login runs asynchronously (Garmin may take long, or ask for an MFA code).',
      `The call waits up to ${LIMITS.connectWaitMs / 1000} s for the outcome: 201 when connected, 202 with an \`attemptId\``,
      'while still `pending` or when Garmin wants an MFA code (`mfa_required`: post it to',
      '`/garmin/connection/attempts/{attemptId}/mfa`).',
      'With `ticket` + `serviceUrl`: the user signed in on Garmin\'s own page on their device (a webview, a browser tab,',
      'or packages/garmin-device-signin in a native app, Electron or a CLI), so the password never reaches this service;',
      'the service ticket that sign-in returned is exchanged for Garmin tokens here, synchronously.',
      `\`serviceUrl\` is the service the sign-in named, one of ${GARMIN_SERVICE_URLS.join(', ')}; a ticket is single-use`,
      'and lives seconds to minutes: post it at once. With `tokens`: imports a token blob made by',
      '`python -m garmin_bridge login` elsewhere; answered synchronously.',
      'Which to use: the password way is the simplest for the app, but Garmin has refused password sign-ins from cloud',
      'networks for long periods (answered 503 `GARMIN_LOGIN_BLOCKED`); the ticket way works then, because the sign-in',
      'runs on the user\'s network and only the ticket exchange and later syncs run here. An app that wants one path',
      'for all times uses the ticket way.',
      `A password login counts against ${LIMITS.authCallsPerHour} authentication calls per user, ${LIMITS.garminAccountLoginsPerHour} logins per Garmin account`,
      `(across users) and ${LIMITS.serviceLoginsPerHour} logins of the whole service per hour; a ticket or a token import against the user's authentication calls.`,
      'Disconnecting resets none of them.',
      'On success a backfill sync is queued.',
    ].join(' '),
    body: { schema: api.ConnectBody, required: true },
    answers: {
      201: { description: 'Connected', schema: 'ConnectedResponse' },
      202: { description: 'Still running, or waiting for an MFA code: poll the attempt', schema: 'PendingResponse' },
    },
    refusals: {
      404: { codes: ['NOT_FOUND'], description: 'A disconnect erased the attempt before it completed; nothing was stored' },
      409: { codes: ['CONNECTION_CHANGED'], description: 'A disconnect or another connect changed the connection meanwhile; nothing was stored' },
      422: {
        codes: ['GARMIN_INVALID_CREDENTIALS', 'GARMIN_TOKENS_REJECTED', 'GARMIN_TICKET_REJECTED'],
        description: 'Garmin refused the credentials, the token blob, or the service ticket (used already, expired, or issued for another service URL: sign in again)',
      },
      429: {
        codes: ['RATE_LIMITED', 'GARMIN_RATE_LIMITED'],
        description: 'Too many authentication calls for this user, logins of this Garmin account or logins of the service; or Garmin rate-limited the login',
        retryAfter: true,
      },
      502: loginIncomplete,
      503: {
        codes: ['GARMIN_UNAVAILABLE', 'GARMIN_LOGIN_BLOCKED'],
        description:
          'Garmin could not be reached; or (GARMIN_LOGIN_BLOCKED) Garmin refuses password sign-ins from this service for now: connect with a `ticket` from a sign-in on the user\'s device, or retry after Retry-After; for a `ticket`, Garmin refused the exchange itself from this service\'s network: import `tokens` made on the device instead',
        retryAfter: true,
      },
    },
  },
  'GET /garmin/connection/attempts/{attemptId}': {
    fn: 'connect',
    operationId: 'getConnectAttempt',
    tags: ['connection'],
    summary: 'Poll a connect attempt',
    description: `Attempts live ${LIMITS.attemptTtlSeconds / 60} minutes.`,
    path: attemptPath,
    answers: { 200: { description: 'The attempt', schema: 'AttemptResponse' } },
    refusals: { 404: { codes: ['NOT_FOUND'], description: 'No such attempt for this user (or it expired)' } },
  },
  'POST /garmin/connection/attempts/{attemptId}/mfa': {
    fn: 'connect',
    operationId: 'submitMfaCode',
    tags: ['connection'],
    summary: 'Send the MFA code Garmin asked for',
    description: `A wrong code answers 422 and the attempt keeps waiting for the right one, for at most ${LIMITS.mfaSubmissionsPerAttempt} codes per attempt: when the last is wrong, or a code comes past it, the attempt ends (\`failed\`, MFA_ATTEMPTS_EXCEEDED).`,
    path: attemptPath,
    body: { schema: api.MfaBody, required: true },
    answers: {
      201: { description: 'Connected', schema: 'ConnectedResponse' },
      202: { description: 'Garmin has not answered yet: poll the attempt', schema: 'PendingResponse' },
    },
    refusals: {
      404: { codes: ['NOT_FOUND'], description: 'No such attempt for this user (or it expired)' },
      409: {
        codes: ['ATTEMPT_NOT_WAITING', 'CONNECTION_CHANGED'],
        description: 'The attempt is not waiting for a code; or another connect changed the connection meanwhile (nothing was stored)',
      },
      422: {
        codes: ['GARMIN_MFA_INVALID', 'GARMIN_INVALID_CREDENTIALS', 'GARMIN_TOKENS_REJECTED'],
        description: 'Garmin refused the code (the attempt still waits), or the login failed',
      },
      429: {
        codes: ['MFA_ATTEMPTS_EXCEEDED', 'GARMIN_RATE_LIMITED'],
        description: 'The attempt used up its MFA codes and has ended (connect again); or Garmin rate-limited the login (Retry-After)',
        retryAfter: true,
      },
      502: loginIncomplete,
      503: {
        codes: ['GARMIN_UNAVAILABLE', 'GARMIN_LOGIN_BLOCKED'],
        description: 'Garmin could not be reached, or refuses sign-ins from this service for now',
        retryAfter: true,
      },
    },
  },
  'GET /garmin/connection': {
    fn: 'read',
    operationId: 'getConnection',
    tags: ['connection'],
    summary: 'The connection and its sync state (backfill progress, last and next sync, last error)',
    answers: { 200: { description: 'The connection', schema: 'ConnectionResponse' } },
    refusals: { 404: notConnected },
  },
  'PATCH /garmin/connection': {
    fn: 'connect',
    operationId: 'selectDataTypes',
    tags: ['connection'],
    summary: 'Choose what is synced',
    description: [
      'Replaces the selection (all types by default); the next sync reads only these. `dailySummaries` and `profile` are always',
      "included: the day plan (which days weight, hydration and sleep are read for, and when they are final) and the user's time zone come from them.",
      'Stored data is kept. A type switched on again continues where it stopped for activities; weight, hydration and sleep are read',
      'for the days the sync plans from then on (days already final are not read again). A re-login to the same account keeps the selection.',
    ].join(' '),
    body: { schema: api.DataTypesBody, required: true },
    answers: { 200: { description: 'The connection with its new selection', schema: 'ConnectionResponse' } },
    refusals: { 404: notConnected },
  },
  'DELETE /garmin/connection': {
    fn: 'connect',
    operationId: 'disconnectGarmin',
    tags: ['connection'],
    summary: 'Disconnect: erases credentials, tokens, attempts and every synced item of the caller',
    description: 'Ends a running connect attempt too. The Garmin call limits are not erased.',
    answers: { 204: { description: 'Disconnected and erased' } },
    refusals: { 404: { codes: ['NOT_CONNECTED'], description: 'No Garmin account is connected and no connect attempt is running' } },
  },
  'POST /garmin/sync': {
    fn: 'sync',
    operationId: 'syncNow',
    tags: ['sync'],
    summary: 'Sync now',
    description: [
      `Fetches what is new from Garmin; within ${LIMITS.manualSyncFreshnessSeconds / 60} minutes of the last sync it answers from storage (\`fresh\`).`,
      `Counts against the fetch limit (${LIMITS.fetchesPerHour} per user and hour). Takes no body, \`{}\`, or \`{"force": true}\`:`,
      `a forced sync skips that shortcut and makes the last ${LIMITS.activityReconcileDays} days of activities match Garmin at once`,
      `(late uploads, edits, deletions; otherwise done once every ${LIMITS.activityReconcileSeconds / 3600} h).`,
    ].join(' '),
    body: { schema: api.SyncBody, required: false },
    answers: {
      200: { description: '`synced`, `fresh`, or `failed` (Garmin failed; the connection backs off)', schema: 'SyncResponse' },
      202: { description: '`in_progress`: another sync of this user holds the lease', schema: 'SyncResponse' },
    },
    refusals: {
      404: needsConnection,
      429: { codes: ['RATE_LIMITED'], description: 'Too many syncs for this user', retryAfter: true },
    },
  },
  'GET /garmin/activities': {
    fn: 'read',
    operationId: 'listActivities',
    tags: ['data'],
    summary: 'Synced activities, newest first, each exactly as Garmin returned it',
    query: {
      schema: api.ActivitiesQuery,
      descriptions: {
        from: 'First local start date (YYYY-MM-DD), inclusive',
        to: 'Last local start date (YYYY-MM-DD), inclusive; not before `from`',
        limit: `Page size (1-${api.MAX_ACTIVITY_PAGE}, default ${api.DEFAULT_ACTIVITY_PAGE})`,
        cursor: 'The `nextCursor` of the previous page (same filters)',
      },
    },
    answers: { 200: { description: 'A page of activities', schema: 'ActivitiesResponse' } },
    refusals: {},
  },
  'GET /garmin/daily-summaries': {
    ...dateRangeRead('DailySummariesResponse'),
    operationId: 'listDailySummaries',
    summary: 'Synced daily summaries (steps, calories, ...) of a date range, oldest first',
  },
  'GET /garmin/energy': {
    ...dateRangeRead('EnergyResponse'),
    operationId: 'listEnergy',
    summary: 'The energy budget per day (resting + active, intake when known), oldest first',
    description: [
      'Computed from the stored daily summaries and activities. For a food diary: the day burned `totalKcal` = `restingKcal` + `activeKcal`;',
      '`activeKcal` already contains the recorded activities, so never add `activitiesKcal` on top of it.',
      'A day Garmin holds no wellness data for says so (`wellnessData: false`, figures null) instead of zeros.',
    ].join(' '),
  },
  'GET /garmin/weight': {
    ...dateRangeRead('WeightResponse'),
    operationId: 'listWeighIns',
    summary: 'Synced weigh-ins (weight, BMI, body composition when measured, source) of a date range, oldest first',
  },
  'GET /garmin/hydration': {
    ...dateRangeRead('HydrationResponse'),
    operationId: 'listHydration',
    summary: 'Synced hydration per day (intake, goal, sweat loss when known), oldest first',
  },
  // Writes are served by the sync function: they need exactly its grants and run under its per-user lease.
  'POST /garmin/weight': {
    fn: 'sync',
    operationId: 'addWeighIn',
    tags: ['writes'],
    summary: 'Add a weigh-in (with body composition when given) to the user\'s Garmin account',
    description: [
      "Filed under the local day of `timestamp` in the user's Garmin time zone, as a MANUAL weigh-in; the answer and the next",
      'GET /garmin/weight show the day as Garmin holds it after the write. With body fat, water, muscle or bone mass or BMI the',
      'weigh-in is uploaded as a FIT file (as a scale sends it); Garmin processes an upload after answering, so the day read back',
      'may not show it yet, the next sync does.',
      'Two Garmin requests (the write, then the day); counts against the user\'s Garmin calls.',
    ].join(' '),
    header: idempotencyKey,
    body: { schema: writes.WeightWriteBody, required: true },
    answers: { 201: { description: 'Written', schema: 'WeightWriteResponse' } },
    refusals: writeRefusals,
  },
  'POST /garmin/hydration': {
    fn: 'sync',
    operationId: 'addHydration',
    tags: ['writes'],
    summary: 'Add water intake to a day on the user\'s Garmin account',
    description: [
      'Adds `ml` to the day\'s intake (Garmin keeps a running total); the answer and the next GET /garmin/hydration show the day after the write.',
      'Two Garmin requests (the write, then the day); counts against the user\'s Garmin calls.',
    ].join(' '),
    header: idempotencyKey,
    body: { schema: writes.HydrationWriteBody, required: true },
    answers: { 201: { description: 'Written', schema: 'HydrationWriteResponse' } },
    refusals: writeRefusals,
  },
  'GET /garmin/sleep': {
    ...dateRangeRead('SleepResponse'),
    operationId: 'listSleep',
    summary: 'Synced nights (start, end, stage durations, score when present) by the morning they ended, oldest first',
  },
  'GET /garmin/changes': {
    fn: 'read',
    operationId: 'listChanges',
    tags: ['data'],
    summary: "The caller's change feed: every event (data changed, connection and sync events), oldest first",
    description: [
      'The same events the webhooks deliver (see `webhooks`), in the order they happened, each once. Start without `cursor` (the oldest',
      `event kept), then always pass the last \`nextCursor\` (it is returned also when there is nothing new). Events are kept`,
      `${EVENT_LIMITS.feedRetentionSeconds / 86400} days: a cursor not used for longer answers 410 FEED_CURSOR_EXPIRED, and the app re-reads`,
      'the data in full, then polls again without a cursor. An app that only polls this feed misses nothing. After DELETE /garmin/connection',
      'the feed holds `connection.disconnected` alone (everything it named was erased); an older cursor continues with it.',
    ].join(' '),
    query: {
      schema: ChangesQuery,
      descriptions: {
        cursor: 'The `nextCursor` of the previous call (opaque, bound to the caller)',
        limit: `Events per page (1-${MAX_FEED_PAGE}, default ${MAX_FEED_PAGE})`,
      },
    },
    answers: { 200: { description: 'The events after the cursor', schema: 'ChangesResponse' } },
    refusals: {
      410: { codes: ['FEED_CURSOR_EXPIRED'], description: 'The cursor is older than the feed keeps: re-read the data in full, then poll without a cursor' },
    },
  },
  'GET /garmin/profile': {
    fn: 'read',
    operationId: 'getProfile',
    tags: ['data'],
    summary: 'The synced Garmin profile',
    answers: { 200: { description: 'The profile', schema: 'ProfileResponse' } },
    refusals: { 404: { codes: ['NOT_CONNECTED'], description: 'No profile has been synced for this user' } },
  },
} as const satisfies Record<`${'GET' | 'POST' | 'PATCH' | 'DELETE'} /${string}`, RouteSpec>;

export type RouteKey = keyof typeof API_ROUTES;
/** The routes one function serves. */
export type RoutesOf<F extends ApiFunction> = { [K in RouteKey]: (typeof API_ROUTES)[K]['fn'] extends F ? K : never }[RouteKey];

export const ROUTE_KEYS = Object.keys(API_ROUTES) as RouteKey[];

/** Route key → the function that serves it. */
export const ROUTE_FUNCTIONS = Object.fromEntries(ROUTE_KEYS.map((key) => [key, API_ROUTES[key].fn])) as Record<RouteKey, ApiFunction>;

export const routeSpec = (routeKey: string): RouteSpec | undefined =>
  Object.hasOwn(API_ROUTES, routeKey) ? API_ROUTES[routeKey as RouteKey] : undefined;
