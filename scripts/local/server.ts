/**
 * The local API Gateway: a node:http server in front of the real Lambda handlers of a
 * LocalRuntime (scripts/local/runtime.ts), doing what the HTTP API does when deployed:
 *
 *   - routes method + path to a route key ('GET /garmin/connection/attempts/{attemptId}'),
 *     anything else is 404 {"message":"Not Found"};
 *   - the JWT authorizer (scripts/local/auth.ts): a missing or invalid token is
 *     401 {"message":"Unauthorized"} before any handler runs; the verified claims go to
 *     requestContext.authorizer.jwt.claims;
 *   - builds the payload-2.0 event (raw path and query, decoded path and query parameters,
 *     lower-cased headers, the raw body) and writes the handler's structured result back;
 *     a handler that throws is 500 {"message":"Internal Server Error"}; bodies over 10 MB
 *     are 413; a request line and headers over 10,240 bytes are 431 (no body); a handler still running after 30 s is answered 503 {"message":"Service
 *     Unavailable"} while it runs on (the HTTP API quotas, functions/core/shared/aws-limits.ts).
 *
 * Besides the API, for local use only (none of these exist when deployed):
 *   GET /health              200 {status:"ok",components} when every component answers, else 503
 *   GET /openapi.json        the OpenAPI document (scripts/local/openapi.ts)
 *   GET /.well-known/jwks.json  the public key of the local issuer
 *   GET /demo/token[?user=]  a token for a demo user, for the page (only with demoTokens; only to
 *                            loopback callers addressing a loopback host, else 403)
 *   GET /demo/garmin-sign-in, /demo/garmin-return  the page's sign-in on Garmin's page
 *                            (with demoTokens and the simulator; device-signin-routes.ts)
 *   GET / and web/*          the demo page
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ROUTE_KEYS } from '../../functions/api/routes';
import { AWS_LIMITS } from '../../functions/core/shared/aws-limits';
import type { HttpEvent, HttpResponse } from '../../functions/handlers/commons/http';
import type { LocalAuth } from './auth';
import { deviceSignInRoutes } from './device-signin-routes';
import { renderOpenApiDocument } from './openapi';
import { REPO_ROOT } from './paths';
import type { LocalRuntime } from './runtime';

export interface LocalServerOptions {
  runtime: LocalRuntime;
  auth: LocalAuth;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the demo hands out tokens, keep it off the network. */
  host?: string;
  /** What /health checks besides DynamoDB, SQS and the bridge. */
  simulatorUrl?: string;
  /** Serve GET /demo/token (demo and dev only). */
  demoTokens?: { defaultUser: string; ttlSeconds?: number };
  /** Folder of the page (default web/). */
  webRoot?: string;
  /** Called once per API request with a one-line summary (method, path, status, ms). */
  accessLog?: (line: string) => void;
  /** Shown in /health. */
  mode?: string;
  /** Test seam: API Gateway's integration timeout (default the HTTP API quota, 30 s). */
  integrationTimeoutMs?: number;
  /** Serve GET /demo/webhooks: what the demo's own webhook receiver got (verified events, newest last). */
  webhookLog?: () => { endpoint: string; events: unknown[] };
}

export interface LocalServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Stops accepting, ends idle and in-flight connections. Idempotent. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = AWS_LIMITS.httpApiPayloadBytes;
const INTEGRATION_TIMEOUT_MS = AWS_LIMITS.httpApiIntegrationTimeoutSeconds * 1000;
const HEALTH_TIMEOUT_MS = 5_000;
const USER_ID = /^[A-Za-z0-9._@:-]{1,128}$/;

// --------------------------------------------------------------------------------------
// Routing
// --------------------------------------------------------------------------------------

interface CompiledRoute {
  routeKey: string;
  method: string;
  pattern: RegExp;
  names: string[];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** '/garmin/connection/attempts/{attemptId}' → one path segment per {param}. */
export const compileRoutes = (routeKeys: string[]): CompiledRoute[] =>
  routeKeys.map((routeKey) => {
    const [method = '', template = ''] = routeKey.split(' ');
    const names: string[] = [];
    const source = template
      .split(/(\{[A-Za-z0-9_]+\})/)
      .map((part) => {
        const param = /^\{([A-Za-z0-9_]+)\}$/.exec(part);
        if (!param?.[1]) return escapeRegExp(part);
        names.push(param[1]);
        return '([^/]+)';
      })
      .join('');
    return { routeKey, method, pattern: new RegExp(`^${source}$`), names };
  });

export const matchRoute = (
  routes: CompiledRoute[],
  method: string,
  rawPath: string,
): { routeKey: string; pathParameters: Record<string, string> } | undefined => {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(rawPath);
    if (!match) continue;
    const pathParameters: Record<string, string> = {};
    route.names.forEach((name, i) => {
      const raw = match[i + 1] ?? '';
      try {
        pathParameters[name] = decodeURIComponent(raw);
      } catch {
        pathParameters[name] = raw;
      }
    });
    return { routeKey: route.routeKey, pathParameters };
  }
  return undefined;
};

// --------------------------------------------------------------------------------------
// Event and response
// --------------------------------------------------------------------------------------

/** "12/Mar/2020:19:03:58 +0000", as in requestContext.time. */
const clfTime = (date: Date): string => {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
};

/** Lower-cased names; repeated headers joined with commas (cookies go to `cookies`). */
const headersOf = (req: IncomingMessage): { headers: Record<string, string>; cookies: string[] } => {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] ?? '').toLowerCase();
    const value = req.rawHeaders[i + 1] ?? '';
    if (name === 'cookie') {
      cookies.push(...value.split(';').map((c) => c.trim()).filter(Boolean));
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return { headers, cookies };
};

/** Decoded query parameters; repeated names joined with commas, as payload 2.0 does. */
const queryOf = (rawQuery: string): Record<string, string> | undefined => {
  if (!rawQuery) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) out[key] = out[key] === undefined ? value : `${out[key]},${value}`;
  return Object.keys(out).length ? out : undefined;
};

class BodyTooLarge extends Error {}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

const bodyFields = (raw: Buffer): Pick<HttpEvent, 'body' | 'isBase64Encoded'> => {
  if (raw.length === 0) return { isBase64Encoded: false };
  try {
    return { body: utf8.decode(raw), isBase64Encoded: false };
  } catch {
    return { body: raw.toString('base64'), isBase64Encoded: true };
  }
};

const send = (
  res: ServerResponse,
  status: number,
  body: string | Buffer | undefined,
  headers: Record<string, string | number | boolean> = {},
): void => {
  if (res.headersSent) return;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = String(value);
  if (body !== undefined) out['content-length'] = String(Buffer.byteLength(body));
  else if (status !== 204 && status !== 304) out['content-length'] = '0';
  res.writeHead(status, out);
  res.end(body);
};

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void =>
  send(res, status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });

const writeHandlerResult = (res: ServerResponse, result: HttpResponse, requestId: string): void => {
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}), 'apigw-requestid': requestId };
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type') && result.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  if (result.cookies?.length) res.setHeader('set-cookie', result.cookies);
  const body = result.body === undefined ? undefined : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  send(res, result.statusCode ?? 200, body, headers);
};

/** API Gateway stops waiting for the integration after its timeout; the function itself runs on. */
const withIntegrationTimeout = async (invocation: Promise<HttpResponse>, timeoutMs: number): Promise<HttpResponse | 'timed out'> => {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), timeoutMs);
  });
  // Its outcome after the timeout reaches no one.
  invocation.catch(() => undefined);
  try {
    return await Promise.race([invocation, timedOut]);
  } finally {
    clearTimeout(timer);
  }
};

// --------------------------------------------------------------------------------------
// Health
// --------------------------------------------------------------------------------------

interface ComponentHealth {
  status: 'ok' | 'down';
  latencyMs: number;
  error?: string;
  [detail: string]: unknown;
}

const probe = async (check: () => Promise<Record<string, unknown> | void>): Promise<ComponentHealth> => {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const details = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
      }),
    ]);
    return { status: 'ok', latencyMs: Math.round(performance.now() - started), ...(details ?? {}) };
  } catch (error) {
    return {
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      error: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
};

export const checkHealth = async (
  runtime: LocalRuntime,
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient },
  simulatorUrl: string | undefined,
): Promise<{ status: 'ok' | 'degraded'; components: Record<string, ComponentHealth> }> => {
  const signal = () => ({ abortSignal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
  const queueDepth = async (url: string) => {
    const answer = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      signal(),
    );
    return {
      visible: Number(answer.Attributes?.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(answer.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  };
  const checks: Record<string, () => Promise<Record<string, unknown> | void>> = {
    dynamodb: async () => {
      const table = runtime.tables.connections;
      const answer = await clients.dynamodb.send(new DescribeTableCommand({ TableName: table }), signal());
      return { endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, table, tableStatus: answer.Table?.TableStatus };
    },
    moto: async () => {
      const [queue, dlq] = await Promise.all([queueDepth(runtime.queueUrl), queueDepth(runtime.dlqUrl)]);
      return { endpoint: process.env.AWS_ENDPOINT_URL_SQS, syncQueue: queue, deadLetterQueue: dlq };
    },
    bridge: async () => {
      const answer = await runtime.services.deps.bridge.call({ op: 'ping' });
      if (!answer.ok) throw new Error(`ping failed: ${answer.error.code}`);
      const result = answer.result as { garminconnectVersion?: string; pythonVersion?: string };
      return { garminconnect: result.garminconnectVersion, python: result.pythonVersion };
    },
    ...(simulatorUrl
      ? {
          simulator: async () => {
            const response = await fetch(`${simulatorUrl}/__sim/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
            await response.arrayBuffer();
            if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
            return { endpoint: simulatorUrl };
          },
        }
      : {}),
  };
  const entries = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await probe(check)] as const));
  const components = Object.fromEntries(entries);
  return { status: entries.every(([, c]) => c.status === 'ok') ? 'ok' : 'degraded', components };
};

// --------------------------------------------------------------------------------------
// Loopback callers (GET /demo/token)
// --------------------------------------------------------------------------------------

const isLoopbackAddress = (address: string): boolean => {
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === '::1';
};

/**
 * Whether a request comes from this machine and was addressed to it as such: the peer is a
 * loopback address, the Host names a loopback host (a page of another site whose name was
 * rebound to 127.0.0.1 sends its own name), and no proxy says it forwarded someone else's
 * request. Anything else must not get a token for any user (`npm run dev -- --host 0.0.0.0`).
 */
export const isLoopbackCaller = (remoteAddress: string | undefined, headers: Record<string, string>): boolean => {
  if (!remoteAddress || !isLoopbackAddress(remoteAddress)) return false;
  if (headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined || headers['x-real-ip'] !== undefined) return false;
  const host = headers.host;
  if (host === undefined) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return false;
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
  return hostname === 'localhost' || isLoopbackAddress(hostname);
};

// --------------------------------------------------------------------------------------
// Static files
// --------------------------------------------------------------------------------------

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
};

const serveStatic = async (res: ServerResponse, webRoot: string, rawPath: string, headOnly: boolean): Promise<boolean> => {
  let relative: string;
  try {
    relative = decodeURIComponent(rawPath === '/' ? '/index.html' : rawPath);
  } catch {
    return false;
  }
  const file = path.resolve(webRoot, `.${relative}`);
  if (!file.startsWith(`${webRoot}${path.sep}`)) return false;
  const type = CONTENT_TYPES[path.extname(file)];
  if (!type) return false;
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch {
    return false;
  }
  const headers = {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(type.startsWith('text/html')
      ? { 'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'" }
      : {}),
  };
  if (headOnly) {
    res.writeHead(200, { ...headers, 'content-length': String(content.length) });
    res.end();
  } else {
    send(res, 200, content, headers);
  }
  return true;
};

// --------------------------------------------------------------------------------------
// Server
// --------------------------------------------------------------------------------------

/** What the request handlers share: built once per server. */
interface ServerContext {
  options: LocalServerOptions;
  webRoot: string;
  openApi: string;
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient };
  host: string;
  deviceSignIn: ReturnType<typeof deviceSignInRoutes> | undefined;
}

type MatchedRoute = NonNullable<ReturnType<typeof matchRoute>>;
type Verified = Extract<Awaited<ReturnType<LocalAuth['verify']>>, { ok: true }>;

/** The HTTP API (v2) event API Gateway hands the function for this request, the JWT authorizer's claims included. */
const gatewayEvent = (
  req: IncomingMessage,
  url: URL,
  route: MatchedRoute,
  request: { requestId: string; raw: Buffer; verdict: Verified; host: string },
): HttpEvent => {
  const { headers, cookies } = headersOf(req);
  const now = new Date();
  const rawQueryString = url.search.startsWith('?') ? url.search.slice(1) : url.search;
  const query = queryOf(rawQueryString);
  const host = headers.host ?? request.host;
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    ...(Object.keys(route.pathParameters).length ? { pathParameters: route.pathParameters } : {}),
    ...bodyFields(request.raw),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: request.verdict.claims, scopes: request.verdict.scopes } },
    },
  };
};

/** One API request as API Gateway serves it: payload quota, JWT authorizer, the function, the integration timeout. */
const handleApi = async (ctx: ServerContext, req: IncomingMessage, res: ServerResponse, url: URL, route: MatchedRoute): Promise<number> => {
  const { runtime, auth } = ctx.options;
  const requestId = randomUUID();
  const { authorization } = headersOf(req).headers;
  let raw: Buffer;
  try {
    raw = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      sendJson(res, 413, { message: 'Request Entity Too Large' }, { 'apigw-requestid': requestId, connection: 'close' });
      return 413;
    }
    throw error;
  }
  const verdict = await auth.verify(authorization);
  if (!verdict.ok) {
    const challenge: Record<string, string> = authorization
      ? { 'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${verdict.reason}"` }
      : {};
    sendJson(res, 401, { message: 'Unauthorized' }, { 'apigw-requestid': requestId, ...challenge });
    return 401;
  }
  const event = gatewayEvent(req, url, route, { requestId, raw, verdict, host: ctx.host });
  let result: HttpResponse | 'timed out';
  try {
    result = await withIntegrationTimeout(runtime.http(event), ctx.options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS);
  } catch {
    // What API Gateway answers when the integration fails.
    sendJson(res, 500, { message: 'Internal Server Error' }, { 'apigw-requestid': requestId });
    return 500;
  }
  if (result === 'timed out') {
    sendJson(res, 503, { message: 'Service Unavailable' }, { 'apigw-requestid': requestId });
    return 503;
  }
  writeHandlerResult(res, result, requestId);
  return result.statusCode ?? 200;
};

/** GET /demo/token: a bearer token for a demo user, only for callers on this machine. */
const sendDemoToken = async (ctx: ServerContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
  const { demoTokens, auth } = ctx.options;
  if (!demoTokens) return false;
  if (!isLoopbackCaller(req.socket.remoteAddress, headersOf(req).headers)) {
    sendJson(
      res,
      403,
      { error: { code: 'FORBIDDEN', message: 'demo tokens are handed out only to callers on this machine, through 127.0.0.1 or localhost' } },
      { 'cache-control': 'no-store' },
    );
    return true;
  }
  const userId = url.searchParams.get('user') || demoTokens.defaultUser;
  if (!USER_ID.test(userId)) {
    sendJson(res, 400, { error: { code: 'VALIDATION_ERROR', message: 'user: 1-128 of A-Z a-z 0-9 . _ @ : -' } });
    return true;
  }
  const ttlSeconds = demoTokens.ttlSeconds ?? 12 * 3600;
  const token = await auth.issue(userId, { ttlSeconds });
  sendJson(
    res,
    200,
    {
      userId,
      token,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
      issuer: auth.issuer,
      audience: auth.audience[0],
      ...(ctx.deviceSignIn ? { garminSignInPath: '/demo/garmin-sign-in' } : {}),
    },
    { 'cache-control': 'no-store' },
  );
  return true;
};

/** What only the local server serves: health, the OpenAPI document, the JWKS, the demo's routes and the page. */
const handleLocal = async (ctx: ServerContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
  const { options, deviceSignIn } = ctx;
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') return false;
  switch (url.pathname) {
    case '/health': {
      const health = await checkHealth(options.runtime, ctx.clients, options.simulatorUrl);
      sendJson(res, health.status === 'ok' ? 200 : 503, { ...health, ...(options.mode ? { mode: options.mode } : {}) }, { 'cache-control': 'no-store' });
      return true;
    }
    case '/openapi.json':
      send(res, 200, ctx.openApi, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return true;
    case '/.well-known/jwks.json':
      sendJson(res, 200, options.auth.jwks);
      return true;
    case '/demo/token':
      return sendDemoToken(ctx, req, res, url);
    case '/demo/webhooks':
      if (!options.webhookLog) return false;
      sendJson(res, 200, options.webhookLog(), { 'cache-control': 'no-store' });
      return true;
    case '/demo/garmin-sign-in':
    case '/demo/garmin-return': {
      if (!deviceSignIn) return false;
      const answer = url.pathname === '/demo/garmin-sign-in' ? await deviceSignIn.start() : deviceSignIn.finish(url);
      send(res, answer.status, answer.body, answer.headers);
      return true;
    }
    default:
      return serveStatic(res, ctx.webRoot, url.pathname, method === 'HEAD');
  }
};

export const startLocalServer = async (options: LocalServerOptions): Promise<LocalServer> => {
  const routes = compileRoutes(ROUTE_KEYS);
  const host = options.host ?? '127.0.0.1';
  let serverUrl = '';
  const ctx: ServerContext = {
    options,
    webRoot: path.resolve(options.webRoot ?? path.join(REPO_ROOT, 'web')),
    openApi: renderOpenApiDocument(),
    clients: { dynamodb: new DynamoDBClient({}), sqs: new SQSClient({}) },
    host,
    deviceSignIn: options.demoTokens && options.simulatorUrl ? deviceSignInRoutes(options.simulatorUrl, () => serverUrl) : undefined,
  };
  const { clients } = ctx;

  // Node answers 431 (no body) past maxHeaderSize, which counts the request line too: the HTTP API's quota.
  const server = createServer({ maxHeaderSize: AWS_LIMITS.httpApiRequestLineAndHeadersBytes }, (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    const route = matchRoute(routes, method, url.pathname);
    const work = route
      ? handleApi(ctx, req, res, url, route).then((status) => {
          options.accessLog?.(`${method} ${url.pathname}${url.search} → ${status} (${Math.round(performance.now() - started)} ms)`);
        })
      : handleLocal(ctx, req, res, url).then((handled) => {
          if (!handled) sendJson(res, 404, { message: 'Not Found' });
        });
    work.catch(() => {
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  serverUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: serverUrl,
    port,
    server,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still running (a connect waiting for Garmin) are cut: the process is going away.
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      }).finally(() => {
        clients.dynamodb.destroy();
        clients.sqs.destroy();
      })),
  };
};
