/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas in
 * functions/core/api-schemas.ts (z.toJSONSchema, draft 2020-12: OpenAPI 3.1's dialect).
 *
 *   npm run openapi            writes docs/openapi.json
 *   npm run openapi -- --check exits 1 when docs/openapi.json differs from the generated one
 *
 * The route keys come from the handlers themselves, so a route added there without an
 * entry here fails generation (and the test that compares the committed file).
 * The local server also serves this document at /openapi.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import * as api from '../../functions/core/api-schemas';
import * as writes from '../../functions/core/api-write-schemas';
import { GARMIN_SERVICE_URLS } from '../../functions/core/bridge-protocol';
import { API_ERRORS, type ApiErrorCode } from '../../functions/core/errors';
import { WEBHOOK_RETRY } from '../../functions/adapters/webhooks/delivery';
import { AWS_LIMITS } from '../../functions/core/aws-limits';
import { ChangesQuery, ChangesResponse, MAX_FEED_PAGE } from '../../functions/core/events/feed-service';
import { EVENT_LIMITS } from '../../functions/core/events/rules';
import { AppEvent, EVENT_SCHEMAS, type AppEventType } from '../../functions/core/events/schema';
import { LIMITS } from '../../functions/core/limits';
import type { Services } from '../../functions/core/services';
import { connectRoutes } from '../../functions/handlers/connect';
import { readRoutes } from '../../functions/handlers/read';
import { syncRoutes } from '../../functions/handlers/sync';
import { writeRoutes } from '../../functions/handlers/write';
import { REPO_ROOT } from './paths';

export const OPENAPI_FILE = path.join(REPO_ROOT, 'docs', 'openapi.json');

type Json = Record<string, unknown>;

/** The route keys the handlers serve (the functions are never called here). */
export const handlerRouteKeys = (): string[] => {
  const unused = (): Services => {
    throw new Error('not called');
  };
  return Object.keys({ ...connectRoutes(unused), ...readRoutes(unused), ...syncRoutes(unused), ...writeRoutes(unused) });
};

// --------------------------------------------------------------------------------------
// Schemas
// --------------------------------------------------------------------------------------

/** Named schemas, by the direction they travel (request bodies are read as zod *input*). */
/** `data.changed` → `DataChangedEvent`: component names allow no dots. */
const eventSchemaName = (type: AppEventType): string =>
  `${type.split(/[._]/).map((part) => `${part[0]?.toUpperCase() ?? ''}${part.slice(1)}`).join('')}Event`;

const REQUEST_SCHEMAS: Record<string, z.ZodType> = {
  ConnectWithPassword: api.ConnectWithPasswordBody,
  ImportTokens: api.ImportTokensBody,
  ExchangeTicket: api.ExchangeTicketBody,
  ConnectRequest: api.ConnectBody,
  MfaCodeRequest: api.MfaBody,
  SyncRequest: api.SyncBody,
  DataTypesRequest: api.DataTypesBody,
  WeightWriteRequest: writes.WeightWriteBody,
  HydrationWriteRequest: writes.HydrationWriteBody,
};

const RESPONSE_SCHEMAS: Record<string, z.ZodType> = {
  Connection: api.ConnectionView,
  ConnectedResponse: api.ConnectedResponse,
  PendingResponse: api.PendingResponse,
  AttemptResponse: api.AttemptResponse,
  ConnectionResponse: api.ConnectionResponse,
  SyncSummary: api.SyncSummary,
  SyncResponse: api.SyncResponse,
  Activity: api.ActivityView,
  ActivitiesResponse: api.ActivitiesResponse,
  DailySummary: api.DailySummaryView,
  DailySummariesResponse: api.DailySummariesResponse,
  EnergyResponse: api.EnergyResponse,
  WeightResponse: api.WeightResponse,
  HydrationResponse: api.HydrationResponse,
  SleepResponse: api.SleepResponse,
  ProfileResponse: api.ProfileResponse,
  WeightWriteResponse: writes.WeightWriteResponse,
  HydrationWriteResponse: writes.HydrationWriteResponse,
  Error: api.ErrorResponse,
  Event: AppEvent,
  ChangesResponse,
  ...Object.fromEntries(Object.entries(EVENT_SCHEMAS).map(([type, schema]) => [eventSchemaName(type as AppEventType), schema])),
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const componentSchemas = (schemas: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, Json> => {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: out } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'throw',
  }) as { schemas: Record<string, Json> };
  return Object.fromEntries(
    Object.entries(out).map(([id, schema]) => [
      id,
      Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema' && key !== '$id')),
    ]),
  );
};

/** One OpenAPI parameter per property of a zod object (query or path). */
const parametersOf = (schema: z.ZodType, where: 'query' | 'path', descriptions: Record<string, string>): Json[] => {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as {
    properties: Record<string, Json>;
    required?: string[];
  };
  return Object.entries(json.properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(descriptions[name] ? { description: descriptions[name] } : {}),
    schema: property,
  }));
};

// --------------------------------------------------------------------------------------
// Responses
// --------------------------------------------------------------------------------------

const jsonContent = (schema: Json) => ({ 'application/json': { schema } });

/** An error response listing the codes this operation can answer with at this status. */
const error = (status: number, codes: ApiErrorCode[], text: string, headers?: Json) => {
  for (const code of codes) {
    if (API_ERRORS[code] !== status) throw new Error(`${code} is a ${API_ERRORS[code]}, not a ${status}`);
  }
  return {
    description: `${text} (error.code: ${codes.join(', ')})`,
    ...(headers ? { headers } : {}),
    content: jsonContent({
      allOf: [ref('Error'), { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: codes } } } } }],
    }),
  };
};

const retryAfter = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } };
const common = {
  '401': { $ref: '#/components/responses/Unauthorized' },
  '431': { $ref: '#/components/responses/RequestHeadersTooLarge' },
  '500': error(500, ['INTERNAL'], 'Unexpected failure; nothing secret is in the message'),
};
/** Every operation with a request body: API Gateway refuses a body over its payload quota before any function runs. */
const tooLarge = { '413': { $ref: '#/components/responses/PayloadTooLarge' } };
const badRequest = error(400, ['VALIDATION_ERROR'], 'The input breaks a rule; the message names the fields and rules, never the values');
const notConnected = error(404, ['NOT_CONNECTED'], 'No Garmin account is connected for this user');

// --------------------------------------------------------------------------------------
// Operations
// --------------------------------------------------------------------------------------

interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  parameters?: Json[];
  requestBody?: Json;
  responses: Record<string, Json>;
}

const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: true,
  description: [
    'One new key per intended write (a UUID), the same on every retry of it. A retry with the key gets the first answer',
    `and never writes to Garmin again, for ${LIMITS.idempotencyKeySeconds / 3600} h; the key with another body is refused (422).`,
    'An error answer is replayed too once the write reached Garmin: retry that with a new key.',
  ].join(' '),
  schema: { type: 'string', minLength: 1, maxLength: writes.MAX_IDEMPOTENCY_KEY_LENGTH, pattern: writes.IDEMPOTENCY_KEY_PATTERN.source },
};

/** What both writes answer besides their 201. */
const writeResponses = {
  '400': badRequest,
  ...common,
  ...tooLarge,
  '404': error(404, ['NOT_CONNECTED'], 'No connection, or it needs the user to log in again'),
  '409': error(
    409,
    ['WRITE_IN_PROGRESS', 'GARMIN_CALL_IN_PROGRESS'],
    'The first request with this key has not answered yet (or never will: a lost answer keeps the key, so nothing is written twice), or a sync of this user is talking to Garmin',
    retryAfter,
  ),
  '422': error(422, ['IDEMPOTENCY_KEY_REUSED', 'GARMIN_TOKENS_REJECTED'], 'The key was used with another body, or Garmin refused the tokens (the next sync logs in again or asks the user)'),
  '429': error(429, ['RATE_LIMITED', 'GARMIN_RATE_LIMITED'], `Over the user's Garmin calls (writes count with the syncs: ${LIMITS.fetchesPerHour} an hour), or Garmin is limiting`, retryAfter),
  '503': error(503, ['GARMIN_UNAVAILABLE'], 'Garmin failed the write'),
};

const attemptIdParameter = parametersOf(api.AttemptPath, 'path', { attemptId: 'The `attemptId` a 202 from POST /garmin/connection returned' });

/** A read of the stored days of a date range (`from`, `to`), answered with `response`. */
const dateRangeRead = (response: string) => ({
  parameters: parametersOf(api.DailySummariesQuery, 'query', {
    from: 'First day (YYYY-MM-DD), inclusive',
    to: `Last day (YYYY-MM-DD), inclusive; not before \`from\`; the range spans at most ${api.MAX_SUMMARY_RANGE_DAYS} days, both ends included`,
  }),
  responses: {
    '200': { description: 'The stored days of the range', content: jsonContent(ref(response)) },
    '400': badRequest,
    ...common,
  },
});

const operations = (): Record<string, Operation> => ({
  'POST /garmin/connection': {
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
    requestBody: { required: true, content: jsonContent(ref('ConnectRequest')) },
    responses: {
      '201': { description: 'Connected', content: jsonContent(ref('ConnectedResponse')) },
      '202': { description: 'Still running, or waiting for an MFA code: poll the attempt', content: jsonContent(ref('PendingResponse')) },
      '400': badRequest,
      ...common,
      ...tooLarge,
      '404': error(404, ['NOT_FOUND'], 'A disconnect erased the attempt before it completed; nothing was stored'),
      '409': error(409, ['CONNECTION_CHANGED'], 'A disconnect or another connect changed the connection meanwhile; nothing was stored'),
      '422': error(
        422,
        ['GARMIN_INVALID_CREDENTIALS', 'GARMIN_TOKENS_REJECTED', 'GARMIN_TICKET_REJECTED'],
        'Garmin refused the credentials, the token blob, or the service ticket (used already, expired, or issued for another service URL: sign in again)',
      ),
      '429': error(
        429,
        ['RATE_LIMITED', 'GARMIN_RATE_LIMITED'],
        'Too many authentication calls for this user, logins of this Garmin account or logins of the service; or Garmin rate-limited the login',
        retryAfter,
      ),
      '502': error(502, ['GARMIN_LOGIN_INCOMPLETE'], 'Garmin accepted the sign-in but issued no API tokens; nothing was stored'),
      '503': error(
        503,
        ['GARMIN_UNAVAILABLE', 'GARMIN_LOGIN_BLOCKED'],
        'Garmin could not be reached; or (GARMIN_LOGIN_BLOCKED) Garmin refuses password sign-ins from this service for now: connect with a `ticket` from a sign-in on the user\'s device, or retry after Retry-After; for a `ticket`, Garmin refused the exchange itself from this service\'s network: import `tokens` made on the device instead',
        retryAfter,
      ),
    },
  },
  'GET /garmin/connection/attempts/{attemptId}': {
    operationId: 'getConnectAttempt',
    tags: ['connection'],
    summary: 'Poll a connect attempt',
    description: `Attempts live ${LIMITS.attemptTtlSeconds / 60} minutes.`,
    parameters: attemptIdParameter,
    responses: {
      '200': { description: 'The attempt', content: jsonContent(ref('AttemptResponse')) },
      '400': badRequest,
      ...common,
      '404': error(404, ['NOT_FOUND'], 'No such attempt for this user (or it expired)'),
    },
  },
  'POST /garmin/connection/attempts/{attemptId}/mfa': {
    operationId: 'submitMfaCode',
    tags: ['connection'],
    summary: 'Send the MFA code Garmin asked for',
    description: `A wrong code answers 422 and the attempt keeps waiting for the right one, for at most ${LIMITS.mfaSubmissionsPerAttempt} codes per attempt: when the last is wrong, or a code comes past it, the attempt ends (\`failed\`, MFA_ATTEMPTS_EXCEEDED).`,
    parameters: attemptIdParameter,
    requestBody: { required: true, content: jsonContent(ref('MfaCodeRequest')) },
    responses: {
      '201': { description: 'Connected', content: jsonContent(ref('ConnectedResponse')) },
      '202': { description: 'Garmin has not answered yet: poll the attempt', content: jsonContent(ref('PendingResponse')) },
      '400': badRequest,
      ...common,
      ...tooLarge,
      '404': error(404, ['NOT_FOUND'], 'No such attempt for this user (or it expired)'),
      '409': error(
        409,
        ['ATTEMPT_NOT_WAITING', 'CONNECTION_CHANGED'],
        'The attempt is not waiting for a code; or another connect changed the connection meanwhile (nothing was stored)',
      ),
      '422': error(422, ['GARMIN_MFA_INVALID', 'GARMIN_INVALID_CREDENTIALS', 'GARMIN_TOKENS_REJECTED'], 'Garmin refused the code (the attempt still waits), or the login failed'),
      '429': error(
        429,
        ['MFA_ATTEMPTS_EXCEEDED', 'GARMIN_RATE_LIMITED'],
        'The attempt used up its MFA codes and has ended (connect again); or Garmin rate-limited the login (Retry-After)',
        retryAfter,
      ),
      '502': error(502, ['GARMIN_LOGIN_INCOMPLETE'], 'Garmin accepted the sign-in but issued no API tokens; nothing was stored'),
      '503': error(503, ['GARMIN_UNAVAILABLE', 'GARMIN_LOGIN_BLOCKED'], 'Garmin could not be reached, or refuses sign-ins from this service for now', retryAfter),
    },
  },
  'GET /garmin/connection': {
    operationId: 'getConnection',
    tags: ['connection'],
    summary: 'The connection and its sync state (backfill progress, last and next sync, last error)',
    responses: {
      '200': { description: 'The connection', content: jsonContent(ref('ConnectionResponse')) },
      ...common,
      '404': notConnected,
    },
  },
  'PATCH /garmin/connection': {
    operationId: 'selectDataTypes',
    tags: ['connection'],
    summary: 'Choose what is synced',
    description: [
      'Replaces the selection (all types by default); the next sync reads only these. `dailySummaries` and `profile` are always',
      "included: the day plan (which days weight, hydration and sleep are read for, and when they are final) and the user's time zone come from them.",
      'Stored data is kept. A type switched on again continues where it stopped for activities; weight, hydration and sleep are read',
      'for the days the sync plans from then on (days already final are not read again). A re-login to the same account keeps the selection.',
    ].join(' '),
    requestBody: { required: true, content: jsonContent(ref('DataTypesRequest')) },
    responses: {
      '200': { description: 'The connection with its new selection', content: jsonContent(ref('ConnectionResponse')) },
      '400': badRequest,
      ...common,
      ...tooLarge,
      '404': notConnected,
    },
  },
  'DELETE /garmin/connection': {
    operationId: 'disconnectGarmin',
    tags: ['connection'],
    summary: 'Disconnect: erases credentials, tokens, attempts and every synced item of the caller',
    description: 'Ends a running connect attempt too. The Garmin call limits are not erased.',
    responses: {
      '204': { description: 'Disconnected and erased' },
      ...common,
      '404': error(404, ['NOT_CONNECTED'], 'No Garmin account is connected and no connect attempt is running'),
    },
  },
  'POST /garmin/sync': {
    operationId: 'syncNow',
    tags: ['sync'],
    summary: 'Sync now',
    description: [
      `Fetches what is new from Garmin; within ${LIMITS.manualSyncFreshnessSeconds / 60} minutes of the last sync it answers from storage (\`fresh\`).`,
      `Counts against the fetch limit (${LIMITS.fetchesPerHour} per user and hour). Takes no body, \`{}\`, or \`{"force": true}\`:`,
      `a forced sync skips that shortcut and makes the last ${LIMITS.activityReconcileDays} days of activities match Garmin at once`,
      `(late uploads, edits, deletions; otherwise done once every ${LIMITS.activityReconcileSeconds / 3600} h).`,
    ].join(' '),
    requestBody: { required: false, content: jsonContent(ref('SyncRequest')) },
    responses: {
      '200': { description: '`synced`, `fresh`, or `failed` (Garmin failed; the connection backs off)', content: jsonContent(ref('SyncResponse')) },
      '202': { description: '`in_progress`: another sync of this user holds the lease', content: jsonContent(ref('SyncResponse')) },
      '400': badRequest,
      ...common,
      ...tooLarge,
      '404': error(404, ['NOT_CONNECTED'], 'No connection, or it needs the user to log in again'),
      '429': error(429, ['RATE_LIMITED'], 'Too many syncs for this user', retryAfter),
    },
  },
  'GET /garmin/activities': {
    operationId: 'listActivities',
    tags: ['data'],
    summary: 'Synced activities, newest first, each exactly as Garmin returned it',
    parameters: parametersOf(api.ActivitiesQuery, 'query', {
      from: 'First local start date (YYYY-MM-DD), inclusive',
      to: 'Last local start date (YYYY-MM-DD), inclusive; not before `from`',
      limit: `Page size (1-${api.MAX_ACTIVITY_PAGE}, default ${api.DEFAULT_ACTIVITY_PAGE})`,
      cursor: 'The `nextCursor` of the previous page (same filters)',
    }),
    responses: {
      '200': { description: 'A page of activities', content: jsonContent(ref('ActivitiesResponse')) },
      '400': badRequest,
      ...common,
    },
  },
  'GET /garmin/daily-summaries': {
    operationId: 'listDailySummaries',
    tags: ['data'],
    summary: 'Synced daily summaries (steps, calories, ...) of a date range, oldest first',
    ...dateRangeRead('DailySummariesResponse'),
  },
  'GET /garmin/energy': {
    operationId: 'listEnergy',
    tags: ['data'],
    summary: 'The energy budget per day (resting + active, intake when known), oldest first',
    description: [
      'Computed from the stored daily summaries and activities. For a food diary: the day burned `totalKcal` = `restingKcal` + `activeKcal`;',
      '`activeKcal` already contains the recorded activities, so never add `activitiesKcal` on top of it.',
      'A day Garmin holds no wellness data for says so (`wellnessData: false`, figures null) instead of zeros.',
    ].join(' '),
    ...dateRangeRead('EnergyResponse'),
  },
  'GET /garmin/weight': {
    operationId: 'listWeighIns',
    tags: ['data'],
    summary: 'Synced weigh-ins (weight, BMI, body composition when measured, source) of a date range, oldest first',
    ...dateRangeRead('WeightResponse'),
  },
  'GET /garmin/hydration': {
    operationId: 'listHydration',
    tags: ['data'],
    summary: 'Synced hydration per day (intake, goal, sweat loss when known), oldest first',
    ...dateRangeRead('HydrationResponse'),
  },
  'POST /garmin/weight': {
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
    parameters: [idempotencyKeyParameter],
    requestBody: { required: true, content: jsonContent(ref('WeightWriteRequest')) },
    responses: { '201': { description: 'Written', content: jsonContent(ref('WeightWriteResponse')) }, ...writeResponses },
  },
  'POST /garmin/hydration': {
    operationId: 'addHydration',
    tags: ['writes'],
    summary: 'Add water intake to a day on the user\'s Garmin account',
    description: [
      'Adds `ml` to the day\'s intake (Garmin keeps a running total); the answer and the next GET /garmin/hydration show the day after the write.',
      'Two Garmin requests (the write, then the day); counts against the user\'s Garmin calls.',
    ].join(' '),
    parameters: [idempotencyKeyParameter],
    requestBody: { required: true, content: jsonContent(ref('HydrationWriteRequest')) },
    responses: { '201': { description: 'Written', content: jsonContent(ref('HydrationWriteResponse')) }, ...writeResponses },
  },
  'GET /garmin/sleep': {
    operationId: 'listSleep',
    tags: ['data'],
    summary: 'Synced nights (start, end, stage durations, score when present) by the morning they ended, oldest first',
    ...dateRangeRead('SleepResponse'),
  },
  'GET /garmin/changes': {
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
    parameters: parametersOf(ChangesQuery, 'query', {
      cursor: 'The `nextCursor` of the previous call (opaque, bound to the caller)',
      limit: `Events per page (1-${MAX_FEED_PAGE}, default ${MAX_FEED_PAGE})`,
    }),
    responses: {
      '200': { description: 'The events after the cursor', content: jsonContent(ref('ChangesResponse')) },
      '400': badRequest,
      ...common,
      '410': error(410, ['FEED_CURSOR_EXPIRED'], 'The cursor is older than the feed keeps: re-read the data in full, then poll without a cursor'),
    },
  },
  'GET /garmin/profile': {
    operationId: 'getProfile',
    tags: ['data'],
    summary: 'The synced Garmin profile',
    responses: {
      '200': { description: 'The profile', content: jsonContent(ref('ProfileResponse')) },
      ...common,
      '404': error(404, ['NOT_CONNECTED'], 'No profile has been synced for this user'),
    },
  },
});

/** `{attemptId}`-style templates are the same in API Gateway route keys and OpenAPI paths. */
const splitRouteKey = (routeKey: string): [method: string, path: string] => {
  const [method = '', path = ''] = routeKey.split(' ');
  return [method.toLowerCase(), path];
};

export const buildOpenApiDocument = (): Json => {
  const ops = operations();
  const served = handlerRouteKeys().sort();
  const documented = Object.keys(ops).sort();
  if (JSON.stringify(served) !== JSON.stringify(documented)) {
    throw new Error(`the handlers serve ${served.join(', ')} but the document describes ${documented.join(', ')}`);
  }
  const paths: Record<string, Record<string, Operation>> = {};
  for (const [routeKey, operation] of Object.entries(ops)) {
    const [method, route] = splitRouteKey(routeKey);
    (paths[route] ??= {})[method] = { ...operation, responses: sortByStatus(operation.responses) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Garmin sync backend',
      version: '0.1.0',
      summary: "Connect app users' own Garmin Connect accounts and read what is kept synced.",
      description: [
        'Every route is behind an API Gateway JWT authorizer: the caller is the token\'s `sub`, never anything in the body, path or query.',
        'A missing or invalid token is answered by API Gateway itself with 401 `{"message":"Unauthorized"}`;',
        'every other error is `{"error":{"code","message"}}`. Dates are YYYY-MM-DD; times ISO-8601 UTC plus the local time Garmin reports.',
        'Generated from functions/core/api-schemas.ts by `npm run openapi`.',
        'The local demo server (`npm run demo`) also serves `GET /health`, `GET /openapi.json` and the demo page; those are not part of the deployed API.',
      ].join(' '),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'Relative to where this document is served (the demo server serves it at /openapi.json); deployed: the stack output ApiUrl' }],
    security: [{ bearerJwt: [] }],
    tags: [
      { name: 'connection', description: 'Connecting, MFA, status and disconnecting' },
      { name: 'sync', description: 'Manual sync (scheduled syncs need no call)' },
      { name: 'writes', description: 'Weigh-ins and water intake written to Garmin, each under an Idempotency-Key' },
      { name: 'data', description: 'What was synced, and the change feed' },
      { name: 'webhooks', description: 'Events POSTed to the app\'s endpoint (Standard Webhooks), when one is configured' },
    ],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    webhooks: webhooks(),
    components: {
      securitySchemes: {
        bearerJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A JWT of the configured issuer (Cognito by default) with the configured audience (`aud`, or `client_id` when there is no `aud`) and an `exp`.',
        },
      },
      headers: {
        RetryAfter: {
          description: 'Seconds to wait before trying again',
          required: true,
          schema: { type: 'string', pattern: '^[1-9][0-9]*$' },
        },
      },
      responses: {
        PayloadTooLarge: {
          description: `The body is over the HTTP API's ${AWS_LIMITS.httpApiPayloadBytes / (1024 * 1024)} MB payload quota (answered by API Gateway, before any function runs)`,
          content: jsonContent({ $ref: '#/components/schemas/GatewayPayloadTooLarge' }),
        },
        RequestHeadersTooLarge: {
          description: `The request line and headers are over ${AWS_LIMITS.httpApiRequestLineAndHeadersBytes.toLocaleString('en-US')} bytes, the HTTP API's quota (refused before any function runs, without a body)`,
        },
        Unauthorized: {
          description: 'Missing, malformed, expired or foreign token (answered by API Gateway, before any function runs); or a token without `sub` (answered by the function with error.code UNAUTHORIZED)',
          headers: {
            'WWW-Authenticate': { description: 'Why the token was refused (API Gateway)', schema: { type: 'string' } },
          },
          content: jsonContent({
            oneOf: [
              { $ref: '#/components/schemas/GatewayUnauthorized' },
              {
                allOf: [ref('Error'), { type: 'object', properties: { error: { type: 'object', properties: { code: { const: 'UNAUTHORIZED' } } } } }],
              },
            ],
          }),
        },
      },
      schemas: {
        ...componentSchemas(REQUEST_SCHEMAS, 'input'),
        ...componentSchemas(RESPONSE_SCHEMAS, 'output'),
        GatewayPayloadTooLarge: {
          type: 'object',
          properties: { message: { const: 'Request Entity Too Large' } },
          required: ['message'],
          additionalProperties: false,
        },
        GatewayUnauthorized: {
          type: 'object',
          properties: { message: { const: 'Unauthorized' } },
          required: ['message'],
          additionalProperties: false,
        },
      },
    },
  };
};

/**
 * What the backend POSTs to the app's endpoint (docs/webhooks.md): one operation per event
 * type, the body the event, signed per Standard Webhooks.
 */
const webhooks = (): Record<string, Json> => {
  const header = (name: string, description: string) => ({ name, in: 'header', required: true, description, schema: { type: 'string' } });
  const parameters = [
    header('webhook-id', 'The event id: the same on every retry of this event; deduplicate on it'),
    header('webhook-timestamp', 'Seconds since the epoch when this attempt was signed; refuse it when far from your clock (the libraries allow 5 minutes)'),
    header(
      'webhook-signature',
      'Space-separated `v1,<base64 HMAC-SHA256>` of `<webhook-id>.<webhook-timestamp>.<body>` under each signing secret (two while a rotated secret overlaps); verify with a standardwebhooks library and `whsec_<secret>`',
    ),
  ];
  return Object.fromEntries(
    (Object.keys(EVENT_SCHEMAS) as AppEventType[]).map((type) => [
      type,
      {
        post: {
          operationId: `webhook_${type.replace(/\./g, '_')}`,
          tags: ['webhooks'],
          summary: `${type} (version 1)`,
          description: [
            `Delivered at least once: any answer but 2xx, or none within ${WEBHOOK_RETRY.requestTimeoutMs / 1000} s, is retried with backoff`,
            `(${WEBHOOK_RETRY.firstDelaySeconds} s doubling to ${WEBHOOK_RETRY.maxDelaySeconds / 3600} h) for ${WEBHOOK_RETRY.windowSeconds / 3600} h, then kept for the operator to replay.`,
            'Order is not guaranteed; the change feed (GET /garmin/changes) has the order.',
          ].join(' '),
          parameters,
          requestBody: { required: true, content: jsonContent(ref(eventSchemaName(type))) },
          responses: { '2XX': { description: 'Received (answer quickly; process afterwards)' } },
        },
      },
    ]),
  );
};

const sortByStatus = (responses: Record<string, Json>): Record<string, Json> =>
  Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));

export const renderOpenApiDocument = (): string => `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;

// --------------------------------------------------------------------------------------
// CLI
// --------------------------------------------------------------------------------------

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rendered = renderOpenApiDocument();
  const relative = path.relative(process.cwd(), OPENAPI_FILE);
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(OPENAPI_FILE, 'utf8');
    } catch {
      // missing: differs
    }
    if (committed !== rendered) {
      console.error(`${relative} is out of date: run \`npm run openapi\``);
      process.exit(1);
    }
    console.log(`${relative} is up to date`);
  } else {
    writeFileSync(OPENAPI_FILE, rendered);
    console.log(`wrote ${relative}`);
  }
}
