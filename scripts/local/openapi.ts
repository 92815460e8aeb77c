/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table and its zod
 * schemas (z.toJSONSchema, draft 2020-12: OpenAPI 3.1's dialect).
 *
 *   npm run openapi            writes docs/openapi.json
 *   npm run openapi -- --check exits 1 when docs/openapi.json differs from the generated one
 *
 * Every operation comes from the route table (functions/api/routes.ts): its schemas, answers
 * and error codes; this file adds what every route shares and the webhooks.
 * The local server also serves this document at /openapi.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from '../../functions/core/shared/zod';
import { API_ROUTES, EVERY_ROUTE, NAMED_SCHEMAS, type Refusal, type RouteSpec } from '../../functions/api/routes';
import { API_ERRORS } from '../../functions/core/shared/errors';
import { WEBHOOK_RETRY } from '../../functions/adapters/webhooks/delivery';
import { AWS_LIMITS } from '../../functions/core/shared/aws-limits';
import { type AppEventType, eventSchemas } from '../../functions/core/events/schema';
import { REPO_ROOT } from './paths';

export const OPENAPI_FILE = path.join(REPO_ROOT, 'docs', 'openapi.json');

type Json = Record<string, unknown>;

// --------------------------------------------------------------------------------------
// Schemas
// --------------------------------------------------------------------------------------

/** `data.changed` → `DataChangedEvent`: component names allow no dots. */
const eventSchemaName = (type: AppEventType): string =>
  `${type.split(/[._]/).map((part) => `${part[0]?.toUpperCase() ?? ''}${part.slice(1)}`).join('')}Event`;

const { AppEvent, EVENT_SCHEMAS } = eventSchemas();

/** What the table names, and the webhooks' events. */
const RESPONSE_SCHEMAS: Record<string, z.ZodMiniType> = {
  ...NAMED_SCHEMAS.responses(),
  Event: AppEvent,
  ...Object.fromEntries(Object.entries(EVENT_SCHEMAS).map(([type, schema]) => [eventSchemaName(type as AppEventType), schema])),
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A JSON Schema without the keys of a standalone document, as an OpenAPI component or parameter. */
const withoutMeta = (schema: Json): Json =>
  Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema' && key !== '$id'));

const componentSchemas = (schemas: Record<string, z.ZodMiniType>, io: 'input' | 'output'): Record<string, Json> => {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: out } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'throw',
  }) as { schemas: Record<string, Json> };
  return Object.fromEntries(Object.entries(out).map(([id, schema]) => [id, withoutMeta(schema)]));
};

/** One OpenAPI parameter per property of a zod object (query or path). */
const parametersOf = (schema: z.ZodMiniType, where: 'query' | 'path', descriptions: Record<string, string>): Json[] => {
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
// Operations, from the route table
// --------------------------------------------------------------------------------------

const jsonContent = (schema: Json) => ({ 'application/json': { schema } });

const BODY_NAMES = new Map<z.ZodMiniType, string>(Object.entries(NAMED_SCHEMAS.requests).map(([name, schema]) => [schema, name]));

/** A route's body, by its component name (its answers name theirs). */
const bodyRef = (schema: z.ZodMiniType): Json => {
  const name = BODY_NAMES.get(schema);
  if (!name) throw new Error('a route\'s body schemas are named in NAMED_SCHEMAS.requests (functions/api/routes.ts)');
  return ref(name);
};

const retryAfter = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } };

/** An error response listing the codes this operation can answer with at this status. */
const error = (status: number, { codes, description, retryAfter: withRetryAfter }: Refusal) => {
  for (const code of codes) {
    if (API_ERRORS[code] !== status) throw new Error(`${code} is a ${API_ERRORS[code]}, not a ${status}`);
  }
  return {
    description: `${description} (error.code: ${codes.join(', ')})`,
    ...(withRetryAfter ? { headers: retryAfter } : {}),
    content: jsonContent({
      allOf: [ref('Error'), { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: codes } } } } }],
    }),
  };
};

/** What every route answers besides its own. */
const common = {
  '401': { $ref: '#/components/responses/Unauthorized' },
  '431': { $ref: '#/components/responses/RequestHeadersTooLarge' },
  '500': error(500, { codes: ['INTERNAL'], description: 'Unexpected failure; nothing secret is in the message' }),
};
/** Every operation with a request body: API Gateway refuses a body over its payload quota before any function runs. */
const tooLarge = { '413': { $ref: '#/components/responses/PayloadTooLarge' } };
/** Every operation that takes input (its handler parses it with the route's schemas). */
const badRequest = error(400, {
  codes: ['VALIDATION_ERROR'],
  description: 'The input breaks a rule; the message names the fields and rules, never the values',
});

/** A route's own refusal at `status` with what every route answers there. */
const withShared = (status: number, own: Refusal | undefined): Refusal => {
  const shared = EVERY_ROUTE.refusals[status];
  if (!own || !shared) return (own ?? shared) as Refusal;
  return {
    codes: [...own.codes, ...shared.codes],
    description: `${own.description}; or ${shared.description.charAt(0).toLowerCase()}${shared.description.slice(1)}`,
    ...(own.retryAfter || shared.retryAfter ? { retryAfter: true } : {}),
  };
};

const operationOf = (spec: RouteSpec): Json => {
  const parameters = [
    ...(spec.path ? parametersOf(spec.path.schema, 'path', spec.path.descriptions) : []),
    ...(spec.query ? parametersOf(spec.query.schema, 'query', spec.query.descriptions) : []),
    ...(spec.header
      ? [
          {
            name: spec.header.name,
            in: 'header',
            required: true,
            description: spec.header.description,
            schema: withoutMeta(z.toJSONSchema(spec.header.schema, { target: 'draft-2020-12', io: 'input' }) as Json),
          },
        ]
      : []),
  ];
  const answers = Object.entries(spec.answers).map(([status, answer]) => [
    status,
    { description: answer.description, ...(answer.schema ? { content: jsonContent(ref(answer.schema)) } : {}) },
  ]);
  const statuses = [...new Set([...Object.keys(spec.refusals), ...Object.keys(EVERY_ROUTE.refusals)])].map(Number);
  const refusals = statuses.map((status) => [String(status), error(status, withShared(status, spec.refusals[status]))]);
  return {
    operationId: spec.operationId,
    tags: [...spec.tags],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: spec.body.required, content: jsonContent(bodyRef(spec.body.schema)) } } : {}),
    responses: sortByStatus({
      ...Object.fromEntries(answers),
      ...(parameters.length || spec.body ? { '400': badRequest } : {}),
      ...common,
      ...(spec.body ? tooLarge : {}),
      ...Object.fromEntries(refusals),
    }),
  };
};

/** `{attemptId}`-style templates are the same in API Gateway route keys and OpenAPI paths. */
const splitRouteKey = (routeKey: string): [method: string, path: string] => {
  const [method = '', path = ''] = routeKey.split(' ');
  return [method.toLowerCase(), path];
};

const INFO = {
  title: 'Garmin sync backend',
  version: '0.1.0',
  summary: "Connect app users' own Garmin Connect accounts and read what is kept synced.",
  description: [
    'Every route is behind an API Gateway JWT authorizer: the caller is the token\'s `sub`, never anything in the body, path or query.',
    'A missing or invalid token is answered by API Gateway itself with 401 `{"message":"Unauthorized"}`;',
    'every other error is `{"error":{"code","message"}}`. Dates are YYYY-MM-DD; times ISO-8601 UTC plus the local time Garmin reports.',
    'Generated from the route table (functions/api/routes.ts) and its zod schemas by `npm run openapi`.',
    'The local demo server (`npm run demo`) also serves `GET /health`, `GET /openapi.json` and the demo page; those are not part of the deployed API.',
  ].join(' '),
  license: { name: 'MIT', identifier: 'MIT' },
};

const TAGS = [
  { name: 'connection', description: 'Connecting, MFA, status and disconnecting' },
  { name: 'sync', description: 'Manual sync (scheduled syncs need no call)' },
  { name: 'writes', description: 'Weigh-ins and water intake written to Garmin, each under an Idempotency-Key' },
  { name: 'data', description: 'What was synced, and the change feed' },
  { name: 'webhooks', description: 'Events POSTed to the app\'s endpoint (Standard Webhooks), when one is configured' },
];

/** Every route of the table, by path then method, paths in order. */
const routePaths = (): Record<string, Record<string, Json>> => {
  const paths: Record<string, Record<string, Json>> = {};
  for (const [routeKey, spec] of Object.entries(API_ROUTES)) {
    const [method, route] = splitRouteKey(routeKey);
    (paths[route] ??= {})[method] = operationOf(spec);
  }
  return Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
};

/** The answers API Gateway gives before any function runs (and the function's own 401). */
const gatewayResponses = (): Json => ({
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
});

/** API Gateway's own `{"message"}` body. */
const gatewayMessage = (message: string): Json => ({
  type: 'object',
  properties: { message: { const: message } },
  required: ['message'],
  additionalProperties: false,
});

const components = (): Json => ({
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
  responses: gatewayResponses(),
  schemas: {
    ...componentSchemas(NAMED_SCHEMAS.requests, 'input'),
    ...componentSchemas(RESPONSE_SCHEMAS, 'output'),
    GatewayPayloadTooLarge: gatewayMessage('Request Entity Too Large'),
    GatewayUnauthorized: gatewayMessage('Unauthorized'),
  },
});

export const buildOpenApiDocument = (): Json => ({
  openapi: '3.1.0',
  info: INFO,
  servers: [{ url: '/', description: 'Relative to where this document is served (the demo server serves it at /openapi.json); deployed: the stack output ApiUrl' }],
  security: [{ bearerJwt: [] }],
  tags: TAGS,
  paths: routePaths(),
  webhooks: webhooks(),
  components: components(),
});

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
