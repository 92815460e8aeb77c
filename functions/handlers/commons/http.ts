/**
 * HTTP plumbing shared by the API functions: middy with the Powertools logger
 * (correlation id = API Gateway request id), the caller's identity from the verified
 * JWT only, JSON parsing, zod validation, and one error mapping: `{error:{code,message}}`,
 * 4xx for anything the caller sent wrong, never a stack trace or a secret.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { isThrottlingError } from '@smithy/core/retry';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as z from '../../core/shared/zod';
import { type ApiFunction, API_ROUTES, type HeaderSpec, type RouteKey, type RouteSpec, type RoutesOf, routeSpec } from '../../api/routes';
import { isReservedPartition } from '../../core/shared/reserved-partitions';
import { AppError } from '../../core/shared/errors';
import { LIMITS } from '../../core/shared/limits';
import { CORRELATION_ID_PATH, logger } from './logger';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResponse = APIGatewayProxyStructuredResultV2;

type Spec<K extends RouteKey> = (typeof API_ROUTES)[K];
type Part<K extends RouteKey, F extends string> = Spec<K> extends Record<F, infer P> ? P : undefined;
type Parsed<P> = P extends { schema: infer S extends z.ZodMiniType } ? z.output<S> : undefined;
type ParsedBody<B> = B extends { schema: infer S extends z.ZodMiniType; required: true }
  ? z.output<S>
  : B extends { schema: infer S extends z.ZodMiniType }
    ? z.output<S> | undefined
    : undefined;

/** A request as its route's schemas (functions/api/routes.ts) parsed it. */
export interface RouteRequest<K extends RouteKey> {
  userId: string;
  path: Parsed<Part<K, 'path'>>;
  query: Parsed<Part<K, 'query'>>;
  /** The route's one header, when it names one. */
  header: Parsed<Part<K, 'header'>>;
  body: ParsedBody<Part<K, 'body'>>;
  /** When this function is cut off (epoch ms, from the Lambda context): work that cannot finish by then is not started. */
  deadlineMs: number;
}

export interface HttpResult {
  status: number;
  body?: unknown;
  retryAfterSeconds?: number;
}

export type RouteHandler<K extends RouteKey> = (request: RouteRequest<K>) => Promise<HttpResult>;
/** What a function implements: exactly the routes the table gives it. */
export type RouteHandlers<F extends ApiFunction> = { [K in RoutesOf<F>]: RouteHandler<K> };

const json = (status: number, body: unknown, extraHeaders: Record<string, string> = {}): HttpResponse => ({
  statusCode: status,
  headers: { 'content-type': 'application/json', ...extraHeaders },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** Only the verified JWT says who the caller is: never the body, path or query. */
const callerOf = (event: HttpEvent): string => {
  const sub = event.requestContext.authorizer?.jwt?.claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new AppError('UNAUTHORIZED', 'The token carries no subject');
  // The service's own state (Garmin guard, rate limits) shares the data table under reserved partition keys.
  if (isReservedPartition(sub)) throw new AppError('UNAUTHORIZED', 'The token subject is reserved');
  return sub;
};

/** application/json or a +json type, with or without parameters (charset). */
const JSON_CONTENT_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

const bodyOf = (event: HttpEvent): unknown => {
  if (event.body === undefined || event.body === '') return undefined;
  // API Gateway hands on any body; only a JSON one is this API's input.
  if (!JSON_CONTENT_TYPE.test(event.headers['content-type'] ?? '')) {
    throw new AppError('VALIDATION_ERROR', 'A request body must be JSON, sent as Content-Type: application/json');
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('VALIDATION_ERROR', 'The request body is not valid JSON');
  }
};

/** Validates input; the message names fields and rules, never the values sent. */
export const parse = <S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.output<S> => {
  const result = schema.safeParse(value ?? (what === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${[what, ...i.path].join('.')}: ${i.message}`);
  throw new AppError('VALIDATION_ERROR', problems.join('; '));
};

const headerOf = (spec: HeaderSpec, headers: HttpEvent['headers']): unknown => {
  // API Gateway's HTTP API delivers header names lower-cased.
  const value = headers[spec.name.toLowerCase()];
  if (value === undefined) throw new AppError('VALIDATION_ERROR', spec.missing);
  return parse(spec.schema, value, `header.${spec.name}`);
};

/** Parses what the route's entry says the request carries: header, path, query, body (in that order). */
const requestOf = (spec: RouteSpec, event: HttpEvent, userId: string, deadlineMs: number) => {
  const raw = bodyOf(event);
  const header = spec.header ? headerOf(spec.header, event.headers) : undefined;
  const path = spec.path ? parse(spec.path.schema, event.pathParameters, 'path') : undefined;
  const query = spec.query ? parse(spec.query.schema, event.queryStringParameters, 'query') : undefined;
  const body = spec.body && (raw !== undefined || spec.body.required) ? parse(spec.body.schema, raw, 'body') : undefined;
  return { userId, path, query, header, body, deadlineMs };
};

/**
 * The refusal an error stands for: an AppError as it is; DynamoDB (or SQS) refusing beyond the
 * SDK's retries is temporary, so the app is told to come back (the SDK's own classifier reads
 * name, $metadata.httpStatusCode and $retryable of the thrown error).
 */
const refusalOf = (error: unknown): AppError | undefined => {
  if (error instanceof AppError) return error;
  if (error instanceof Error && isThrottlingError(error as Parameters<typeof isThrottlingError>[0])) {
    return new AppError('SERVICE_BUSY', 'The service is busy for a moment; please retry', LIMITS.storageBusyRetryAfterSeconds);
  }
  return undefined;
};

export const errorResponse = (error: unknown): HttpResponse => {
  const refusal = refusalOf(error);
  if (refusal) {
    if (refusal.status >= 500) logger.error('request failed', { code: refusal.code, ...(refusal !== error && error instanceof Error ? { cause: error.name } : {}) });
    return json(
      refusal.status,
      { error: { code: refusal.code, message: refusal.message } },
      refusal.retryAfterSeconds !== undefined ? { 'retry-after': String(Math.max(1, Math.ceil(refusal.retryAfterSeconds))) } : {},
    );
  }
  logger.error('unexpected error', { error: error instanceof Error ? error.name : typeof error });
  return json(500, { error: { code: 'INTERNAL', message: 'Something went wrong; please try again' } });
};

/** The per-user API throttle (core/shared/request-throttle.ts): resolves when the request may run, else throws a 429. */
export interface Throttle {
  admit(userId: string, routeKey: string): Promise<void>;
}

/** The Lambda handler of function `fn`: the table's routes for it, each parsed as its entry says and served by its handler, each request of a user counted by `throttle`. */
export const httpHandler = <F extends ApiFunction>(fn: F, routes: RouteHandlers<F>, throttle: () => Throttle) =>
  middy<HttpEvent, HttpResponse>()
    .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH, resetKeys: true }))
    .handler(async (event, context) => {
      try {
        const spec = routeSpec(event.routeKey);
        // The mapped type ties each key to its own request type; here the key is known at run time only.
        const route = (routes as Partial<Record<string, (request: ReturnType<typeof requestOf>) => Promise<HttpResult>>>)[event.routeKey];
        if (!spec || spec.fn !== fn || !route) throw new AppError('NOT_FOUND', `No route ${event.routeKey}`);
        const userId = callerOf(event);
        // Before any other work: a throttled request reads no body and reaches no service.
        await throttle().admit(userId, event.routeKey);
        const result = await route(requestOf(spec, event, userId, Date.now() + context.getRemainingTimeInMillis()));
        logger.info('request done', { route: event.routeKey, status: result.status });
        return json(
          result.status,
          result.body,
          result.retryAfterSeconds !== undefined ? { 'retry-after': String(result.retryAfterSeconds) } : {},
        );
      } catch (error) {
        const response = errorResponse(error);
        logger.info('request refused', { route: event.routeKey, status: response.statusCode });
        return response;
      }
    });
