/**
 * The Garmin Connect simulator: an HTTP server speaking the SSO, DI token and Connect API
 * endpoints garminconnect calls, behind the base-URL seam of the Python bridge
 * (python-layer/garmin_bridge/seam.py), plus a control API under /__sim.
 *
 * Each Garmin request is classified (endpoint name, account) before it is handled, so it
 * is counted and can be faulted whatever the handler would have answered.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectApi } from './api';
import { ControlApi } from './control';
import { loggedQuery } from './counters';
import { DiAuthService } from './di-auth';
import { faultResponse } from './faults';
import { BodyTooLargeError, json, readRequest, type RouteMatch, type SimRequest, type SimResponse, writeResponse } from './http';
import { isSsoPath } from './sso';
import { SimulatorState } from './state';
import { WebSessionService } from './web-session';

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

export interface RunningSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

function logError(event: string, fields: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level: 'error', event, time: new Date().toISOString(), ...fields })}\n`);
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const state = new SimulatorState();
  const control = new ControlApi(state);
  const routes = [state.sso, new DiAuthService(state.tokens), new WebSessionService(state.tokens), new ConnectApi(state)];
  // Aborted on close so requests sleeping in a latency fault do not hold the server open.
  const closing = new AbortController();

  const classify = (req: SimRequest): RouteMatch => {
    for (const route of routes) {
      const match = route.route(req);
      if (match) return match;
    }
    return { endpoint: 'other', account: undefined, handle: () => json(404, { message: 'Not found' }) };
  };

  const handleGarmin = async (req: SimRequest): Promise<SimResponse> => {
    const startedMs = Date.now();
    const at = new Date(state.clock.now()).toISOString();
    const match = classify(req);
    state.counters.record(match.endpoint, match.account);
    // Cloudflare refuses a blocked SSO request before Garmin (or any injected fault) sees it.
    const blocked = isSsoPath(req.path) ? state.ssoBlock.refuse(match.endpoint, match.account, state.clock.now()) : undefined;
    const fault = blocked ? undefined : state.faults.pick(match.endpoint, req.path, match.account);
    if (fault?.latencyMs) await sleep(fault.latencyMs, undefined, { signal: closing.signal });
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

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const request = await readRequest(req);
      const isControl = request.path === '/__sim' || request.path.startsWith('/__sim/');
      writeResponse(res, isControl ? control.handle(request) : await handleGarmin(request));
    } catch (err) {
      if (closing.signal.aborted) {
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

  const server = createServer((req, res) => void serve(req, res));
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => logError('server_error', { error: err.stack }));

  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      })),
  };
}
