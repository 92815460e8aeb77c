/**
 * The local server (scripts/local/server.ts) on an ephemeral port, over a fresh runtime on
 * the emulators of the integration global setup, with its own signing key in a temp folder.
 * Every answer that goes through `call` is checked against the OpenAPI document it serves.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { type LocalAuth, createLocalAuth } from '../../../scripts/local/auth';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../../scripts/local/runtime';
import { type LocalEventSources, startLocalEventSources } from '../../../scripts/local/schedule';
import { type LocalServer, startLocalServer } from '../../../scripts/local/server';
import { type Answer, OpenApiChecker } from './openapi-check';

export interface CallInput {
  /** A bearer token (sent as "Bearer <token>"), or the raw Authorization header value. */
  token?: string;
  authorization?: string;
  path?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
}

export interface DemoHarness {
  runtime: LocalRuntime;
  server: LocalServer;
  auth: LocalAuth;
  /** Folder of the signing key (LOCAL_AUTH_DIR for `npm run token`). */
  authDir: string;
  url: string;
  simulatorUrl: string;
  checker: OpenApiChecker;
  /** The schedule (dispatch every 2 s here) and the queue poller, unless turned off. */
  sources: LocalEventSources | undefined;
  /** Calls a documented route and checks the answer against the document. */
  call(method: string, template: string, input?: CallInput): Promise<Answer>;
  /** Plain fetch, no checking (for non-API paths). */
  fetchRaw(pathAndQuery: string, init?: RequestInit): Promise<Answer>;
  tokenFor(userId: string): Promise<string>;
  newUser(): string;
  stop(): Promise<void>;
}

const readAnswer = async (response: Response): Promise<Answer> => {
  const text = await response.text();
  let body: unknown;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { status: response.status, headers: response.headers, body, text };
};

export const startDemoHarness = async (
  options: { eventSources?: boolean; simulatorUrl?: string; apiRequestLimits?: LocalRuntimeOptions['apiRequestLimits'] } = {},
): Promise<DemoHarness> => {
  // A test that must not leave state on the shared simulator brings its own.
  const simulatorUrl = options.simulatorUrl ?? inject('localStack').simulatorUrl;
  const authDir = mkdtempSync(path.join(tmpdir(), 'demo-auth-'));
  const runtime = await startLocalRuntime({
    prefix: `d${randomUUID().slice(0, 8)}`,
    garminBaseUrl: simulatorUrl,
    ...(options.apiRequestLimits ? { apiRequestLimits: options.apiRequestLimits } : {}),
  });
  const auth = await createLocalAuth({ dir: authDir });
  const server = await startLocalServer({ runtime, auth, port: 0, simulatorUrl, demoTokens: { defaultUser: 'demo-user' }, mode: 'test' });
  let sources: LocalEventSources | undefined;
  if (options.eventSources !== false) {
    sources = startLocalEventSources(runtime, { dispatchEverySeconds: 2, dispatchAtStart: true, pollIdleMs: 200 });
  }
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as Record<string, unknown>;
  const checker = new OpenApiChecker(doc);

  const call: DemoHarness['call'] = async (method, template, input = {}) => {
    const pathname = Object.entries(input.path ?? {}).reduce((p, [k, v]) => p.replace(`{${k}}`, encodeURIComponent(v)), template);
    const query = input.query ? `?${new URLSearchParams(input.query).toString()}` : '';
    const headers: Record<string, string> = {};
    if (input.authorization !== undefined) headers.authorization = input.authorization;
    else if (input.token !== undefined) headers.authorization = `Bearer ${input.token}`;
    let body: string | undefined;
    if (input.rawBody !== undefined) body = input.rawBody;
    else if (input.body !== undefined) body = JSON.stringify(input.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const answer = await readAnswer(await fetch(`${server.url}${pathname}${query}`, { method, headers, ...(body !== undefined ? { body } : {}) }));
    checker.check(method, template, answer);
    return answer;
  };

  return {
    runtime,
    server,
    auth,
    authDir,
    url: server.url,
    simulatorUrl,
    checker,
    sources,
    call,
    fetchRaw: async (pathAndQuery, init) => readAnswer(await fetch(`${server.url}${pathAndQuery}`, init)),
    tokenFor: (userId) => auth.issue(userId),
    newUser: () => `user-${randomUUID()}`,
    stop: async () => {
      await server.close();
      await sources?.stop();
      await runtime.stop();
      rmSync(authDir, { recursive: true, force: true });
    },
  };
};
