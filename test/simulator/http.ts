/** Plain request/response values, so routes stay independent of node:http. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointName } from './endpoints';

/**
 * Which network a request came from: the simulator listens on a second loopback address
 * that stands for the user's own network (a phone, a laptop); everything else, the bridge
 * included (GARMIN_BASE_URL), is the cloud. Garmin's blocks can target one of them.
 */
export type Network = 'cloud' | 'user';

export interface SimRequest {
  method: string;
  network: Network;
  /** Path without the query string, as sent (not percent-decoded). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  cookies: ReadonlyMap<string, string>;
  body: Buffer;
}

export interface SimResponse {
  status: number;
  /** Sent as JSON unless `html` is set. */
  body?: unknown;
  html?: string;
  headers?: Record<string, string | string[]>;
}

/** A Garmin request recognised by a route; classified before it is handled, for counters and faults. */
export interface RouteMatch {
  endpoint: EndpointName;
  /** Email of the account the request can be attributed to. */
  account: string | undefined;
  handle(): SimResponse;
}

const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {}

export const json = (status: number, body: unknown, headers?: Record<string, string | string[]>): SimResponse => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});

export async function readRequest(req: IncomingMessage, network: Network): Promise<SimRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  return {
    method: req.method ?? 'GET',
    network,
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    cookies: parseCookies(req.headers.cookie),
    body: Buffer.concat(chunks),
  };
}

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

/** The parsed JSON body; undefined when it is not JSON. An empty body reads as {}. */
export function jsonBody(req: SimRequest): unknown {
  if (req.body.length === 0) return {};
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export const formBody = (req: SimRequest): URLSearchParams => new URLSearchParams(req.body.toString('utf8'));

export function bearerToken(req: SimRequest): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** The client id of an "Authorization: Basic base64(id:)" header. */
export function basicClientId(req: SimRequest): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const id = colon >= 0 ? decoded.slice(0, colon) : decoded;
  return id || undefined;
}

/** A path segment percent-decoded; undefined when the encoding is broken. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function writeResponse(res: ServerResponse, response: SimResponse): void {
  const headers: Record<string, string | string[]> = { 'cache-control': 'no-store', ...response.headers };
  let payload = '';
  if (response.html !== undefined) {
    headers['content-type'] = 'text/html;charset=UTF-8';
    payload = response.html;
  } else if (response.body !== undefined) {
    headers['content-type'] = 'application/json;charset=UTF-8';
    payload = JSON.stringify(response.body);
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}
