/**
 * The Garmin Connect simulator: an HTTP server speaking the SSO, DI token and Connect API
 * endpoints garminconnect calls, behind the base-URL seam of the Python bridge
 * (python-layer/garmin_bridge/seam.py), plus a control API under /__sim.
 *
 * Each Garmin request is classified (endpoint name, account) before it is handled, so it
 * is counted and can be faulted whatever the handler would have answered.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectApi } from './api';
import { ControlApi } from './control';
import { loggedQuery } from './counters';
import { DiAuthService } from './di-auth';
import { faultResponse } from './faults';
import { BodyTooLargeError, json, type Network, readRequest, type RouteMatch, type SimRequest, type SimResponse, writeResponse } from './http';
import { isSsoPath } from './sso';
import { SimulatorState } from './state';
import { WebSessionService } from './web-session';

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /**
   * The address standing for the user's own network, listened on at the same port (http.ts,
   * Network). Default 127.0.0.2 when `host` is 127.0.0.1 (Linux routes all of 127/8 to the
   * loopback interface); null for none.
   */
  userHost?: string | null;
}

export interface RunningSimulator {
  /** The cloud's address: what the bridge uses (GARMIN_BASE_URL). */
  url: string;
  /** The user's network: what a device signs in through. */
  userUrl: string | undefined;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_USER_HOSTS: Record<string, string> = { '127.0.0.1': '127.0.0.2' };

/** The user's-network URL of a simulator started with the default userHost, from its cloud URL. */
export const userNetworkUrl = (cloudUrl: string): string | undefined => {
  const url = new URL(cloudUrl);
  const userHost = DEFAULT_USER_HOSTS[url.hostname];
  return userHost ? urlOf(userHost, Number(url.port)) : undefined;
};

const closeServer = (server: Server): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });

const urlOf = (host: string, port: number): string => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

const listen = (server: Server, port: number, host: string): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

function logError(event: string, fields: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level: 'error', event, time: new Date().toISOString(), ...fields })}\n`);
}

/** The Garmin side: classify, count, maybe block or fault, answer, log. */
function garminHandler(state: SimulatorState, closing: AbortSignal): (req: SimRequest) => Promise<SimResponse> {
  const routes = [state.sso, new DiAuthService(state.tokens), new WebSessionService(state.tokens), new ConnectApi(state)];

  const classify = (req: SimRequest): RouteMatch => {
    for (const route of routes) {
      const match = route.route(req);
      if (match) return match;
    }
    return { endpoint: 'other', account: undefined, handle: () => json(404, { message: 'Not found' }) };
  };

  return async (req: SimRequest): Promise<SimResponse> => {
    const startedMs = Date.now();
    const at = new Date(state.clock.now()).toISOString();
    const match = classify(req);
    state.counters.record(match.endpoint, match.account);
    // Cloudflare refuses a blocked SSO request before Garmin (or any injected fault) sees it.
    const blocked = isSsoPath(req.path) ? state.ssoBlock.refuse(match.endpoint, match.account, req.network, state.clock.now()) : undefined;
    const fault = blocked ? undefined : state.faults.pick(match.endpoint, req.path, match.account);
    if (fault?.latencyMs) await sleep(fault.latencyMs, undefined, { signal: closing });
    const response = blocked ?? (fault?.status !== undefined ? faultResponse(fault.status, fault.retryAfter) : match.handle());
    state.log.add({
      at,
      method: req.method,
      endpoint: match.endpoint,
      path: req.path,
      query: loggedQuery(req.query),
      status: response.status,
      account: match.account ?? null,
      faultId: blocked ? 'sso-block' : (fault?.id ?? null),
      durationMs: Date.now() - startedMs,
    });
    return response;
  };
}

type Serve = (req: IncomingMessage, res: ServerResponse, network: Network) => Promise<void>;

/** Every request: the control API under /__sim, Garmin otherwise; a failure answers 413 or 500, or drops the socket. */
function requestHandler(control: ControlApi, handleGarmin: (req: SimRequest) => Promise<SimResponse>, closing: AbortSignal): Serve {
  return async (req, res, network) => {
    try {
      const request = await readRequest(req, network);
      const isControl = request.path === '/__sim' || request.path.startsWith('/__sim/');
      writeResponse(res, isControl ? control.handle(request) : await handleGarmin(request));
    } catch (err) {
      if (closing.aborted) {
        res.destroy();
        return;
      }
      if (err instanceof BodyTooLargeError) {
        writeResponse(res, json(413, { message: 'Request body too large' }));
        return;
      }
      logError('request_failed', { method: req.method, path: req.url?.split('?')[0], error: err instanceof Error ? err.stack : String(err) });
      if (!res.headersSent) writeResponse(res, json(500, { message: 'Simulator error' }));
      else res.destroy();
    }
  };
}

/** The cloud server, and the user's-network one on the same port when `userHost` is set. */
async function listenAll(serve: Serve, port: number, host: string, userHost: string | undefined): Promise<{ servers: Server[]; port: number }> {
  const serverOn = (network: Network): Server => {
    const server = createServer((req, res) => void serve(req, res, network));
    server.on('clientError', (_err, socket) => socket.destroy());
    return server;
  };
  const cloud = serverOn('cloud');
  await listen(cloud, port, host);
  const servers = [cloud];
  const bound = (cloud.address() as AddressInfo).port;
  if (userHost) {
    const user = serverOn('user');
    try {
      await listen(user, bound, userHost);
    } catch (err) {
      await closeServer(cloud);
      throw err;
    }
    servers.push(user);
  }
  for (const server of servers) server.on('error', (err) => logError('server_error', { error: err.stack }));
  return { servers, port: bound };
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const userHost = opts.userHost === undefined ? DEFAULT_USER_HOSTS[host] : (opts.userHost ?? undefined);
  const state = new SimulatorState();
  // Aborted on close so requests sleeping in a latency fault do not hold the server open.
  const closing = new AbortController();
  const serve = requestHandler(new ControlApi(state), garminHandler(state, closing.signal), closing.signal);
  const { servers, port } = await listenAll(serve, opts.port ?? 0, host, userHost);

  let closed: Promise<void> | undefined;
  return {
    url: urlOf(host, port),
    userUrl: userHost ? urlOf(userHost, port) : undefined,
    port,
    close: () => {
      closing.abort();
      return (closed ??= Promise.all(servers.map(closeServer)).then(() => undefined));
    },
  };
}
