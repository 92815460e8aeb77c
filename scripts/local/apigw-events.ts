/** API Gateway HTTP API (v2) events as the JWT authorizer delivers them: for the local server and the tests. */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { HttpEvent } from '../../functions/handlers/commons/http';

export interface EventInput {
  userId?: string;
  body?: unknown;
  rawBody?: string;
  query?: Record<string, string>;
  path?: Record<string, string>;
  /** Extra request headers (names are lower-cased, as API Gateway's HTTP API does). */
  headers?: Record<string, string>;
}

/** routeKey like 'POST /garmin/connection' or 'GET /garmin/connection/attempts/{attemptId}'. */
export const httpEvent = (routeKey: string, input: EventInput = {}): HttpEvent => {
  const [method = 'GET', template = '/'] = routeKey.split(' ');
  const rawPath = Object.entries(input.path ?? {}).reduce((p, [k, v]) => p.replace(`{${k}}`, v), template);
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers: {
      'content-type': 'application/json',
      ...Object.fromEntries(Object.entries(input.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
    },
    ...(input.query ? { queryStringParameters: input.query } : {}),
    ...(input.path ? { pathParameters: input.path } : {}),
    ...(input.rawBody !== undefined
      ? { body: input.rawBody }
      : input.body !== undefined
        ? { body: JSON.stringify(input.body) }
        : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId,
      routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: input.userId ? { sub: input.userId } : {}, scopes: [] },
      },
    },
  };
};

/** A Lambda context whose remaining time counts down from `timeoutMs`, as the function's would. */
export const lambdaContext = (functionName = 'local', timeoutMs = 60_000): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
