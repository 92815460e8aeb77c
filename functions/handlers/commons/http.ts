/**
 * HTTP plumbing shared by the API functions: middy with the Powertools logger
 * (correlation id = API Gateway request id), the caller's identity from the verified
 * JWT only, JSON parsing, zod validation, and one error mapping: `{error:{code,message}}`,
 * 4xx for anything the caller sent wrong, never a stack trace or a secret.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as z from 'zod';
import { isReservedPartition } from '../../core/reserved-partitions';
import { AppError } from '../../core/errors';
import { CORRELATION_ID_PATH, logger } from './logger';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResponse = APIGatewayProxyStructuredResultV2;

export interface HttpRequest {
  userId: string;
  routeKey: string;
  body: unknown;
  query: Record<string, string | undefined>;
  path: Record<string, string | undefined>;
  /** Request headers, names lower-case (as API Gateway's HTTP API delivers them). */
  headers: Record<string, string | undefined>;
}

export interface HttpResult {
  status: number;
  body?: unknown;
  retryAfterSeconds?: number;
}

export type Route = (request: HttpRequest) => Promise<HttpResult>;

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
export const parse = <S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> => {
  const result = schema.safeParse(value ?? (what === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${[what, ...i.path].join('.')}: ${i.message}`);
  throw new AppError('VALIDATION_ERROR', problems.join('; '));
};

export const errorResponse = (error: unknown): HttpResponse => {
  if (error instanceof AppError) {
    if (error.status >= 500) logger.error('request failed', { code: error.code });
    return json(
      error.status,
      { error: { code: error.code, message: error.message } },
      error.retryAfterSeconds !== undefined ? { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterSeconds))) } : {},
    );
  }
  logger.error('unexpected error', { error: error instanceof Error ? error.name : typeof error });
  return json(500, { error: { code: 'INTERNAL', message: 'Something went wrong; please try again' } });
};

/** The per-user API throttle (core/services/request-throttle.ts): resolves when the request may run, else throws a 429. */
export interface Throttle {
  admit(userId: string, routeKey: string): Promise<void>;
}

/** A Lambda handler serving the given routes (keys are API Gateway route keys), each request of a user counted by `throttle`. */
export const httpHandler = (routes: Record<string, Route>, throttle: () => Throttle) =>
  middy<HttpEvent, HttpResponse>()
    .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH, resetKeys: true }))
    .handler(async (event) => {
      try {
        const route = routes[event.routeKey];
        if (!route) throw new AppError('NOT_FOUND', `No route ${event.routeKey}`);
        const userId = callerOf(event);
        // Before any other work: a throttled request reads no body and reaches no service.
        await throttle().admit(userId, event.routeKey);
        const result = await route({
          userId,
          routeKey: event.routeKey,
          body: bodyOf(event),
          query: event.queryStringParameters ?? {},
          path: event.pathParameters ?? {},
          headers: event.headers,
        });
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
