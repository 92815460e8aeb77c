/**
 * The stdio transport against the real Python bridge (`python -m garmin_bridge serve`).
 * Slow calls are logins against a local server that holds Garmin's answer until the
 * test releases it, so "still running" is a fact, not a guess about timing.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeRequest } from '../../../functions/core/shared/bridge-protocol';
import { stdioGarminBridge } from '../../../functions/adapters/bridge/bridge-client';
import { BridgeTransportError, InvalidBridgeRequestError } from '../../../functions/adapters/bridge/errors';
import { StdioBridgeTransport, type StdioTransportOptions } from '../../../functions/adapters/bridge/stdio-transport';
import { REPO_ROOT } from '../../../scripts/local/paths';
import { bridgeOptions, isRunning, type LogEntry } from './bridge-python';
import { startHoldingServer, type HoldingServer } from './holding-server';
import { rejectionOf } from '../../support/rejection';

const PASSWORD = 'not-a-real-password';
const LOGIN: BridgeRequest = { op: 'login', username: 'slow@example.com', password: PASSWORD };

/** Resolves after `predicate` holds, polling (for process death, which has no event here). */
const eventually = async (predicate: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('stdio transport (real Python bridge)', () => {
  // In order of registration: a holding server (opened first) releases its held call
  // before the transport closes, so close() need not wait out its grace period.
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  const open = (logs: LogEntry[], options: StdioTransportOptions = {}): StdioBridgeTransport => {
    const transport = new StdioBridgeTransport(bridgeOptions(logs, options));
    cleanups.push(() => transport.close());
    return transport;
  };

  const holding = async (): Promise<HoldingServer> => {
    const server = await startHoldingServer();
    cleanups.push(() => server.close());
    return server;
  };

  it('answers a ping and forwards the bridge log lines', async () => {
    const logs: LogEntry[] = [];
    const bridge = open(logs);
    const pong = await bridge.call({ id: 'mine', op: 'ping' });
    expect(pong).toMatchObject({ id: 'mine', ok: true, result: { protocolVersion: 1 }, tokens: null, garminRequests: 0 });
    expect(pong.ok && 'garminconnectVersion' in pong.result && pong.result.garminconnectVersion).toMatch(/^\d+\.\d+/);
    const done = logs.find((entry) => entry.message === 'bridge call done');
    expect(done?.level).toBe('info');
    expect(done?.extra[0]).toMatchObject({ bridge: { op: 'ping', logger: 'garmin_bridge' } });
  });

  it('rejects a request that breaks the schema without starting (or reaching) the process', async () => {
    const bridge = open([]);
    const bad = { op: 'login', username: 'someone', password: 'p'.repeat(300) } as BridgeRequest;
    const error = await rejectionOf(bridge.call(bad), InvalidBridgeRequestError);
    expect(String(error)).not.toContain('ppp');
    await expect(bridge.call({ op: 'dance' } as unknown as BridgeRequest)).rejects.toBeInstanceOf(InvalidBridgeRequestError);
    expect(bridge.pid).toBeUndefined();
  });

  it('gets INVALID_REQUEST from the bridge for a schema-valid request it cannot use', async () => {
    const tokens = JSON.stringify({ di_token: 'a.b.c', di_refresh_token: 'r', di_client_id: 'c' });
    const backwards = { startDate: '2026-02-01', endDate: '2026-01-01' };
    const answer = await open([]).call({ op: 'fetch', tokens, activities: backwards });
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' }, garminRequests: 0 });
  });

  it('gets TOKEN_REJECTED, without a Garmin request, for a blob without DI tokens', async () => {
    const answer = await open([]).call({ op: 'verify', tokens: '{}' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'TOKEN_REJECTED' }, garminRequests: 0 });
  });

  it('runs 50 calls at once on one process', async () => {
    const bridge = open([]);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => bridge.call({ id: `p${i}`, op: 'ping' })));
    expect(answers.every((answer) => answer.ok)).toBe(true);
    expect(answers.map((answer) => answer.id)).toEqual(Array.from({ length: 50 }, (_, i) => `p${i}`));
    expect(bridge.pid).toBeGreaterThan(0);
  });

  it('answers a fast call while a slow one is still running', async () => {
    const garmin = await holding();
    const logs: LogEntry[] = [];
    const bridge = open(logs, { env: { GARMIN_BASE_URL: garmin.url, LOG_LEVEL: 'DEBUG' } });
    let loginSettled = false;
    const login = bridge.call(LOGIN).finally(() => {
      loginSettled = true;
    });
    await garmin.firstRequest;

    const pong = await bridge.call({ op: 'ping' });
    expect(pong.ok).toBe(true);
    // Garmin's answer is still held, so the login cannot have finished.
    expect(loginSettled).toBe(false);

    garmin.release();
    const answer = await login;
    expect(answer).toMatchObject({ ok: false, error: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(answer.garminRequests).toBeGreaterThan(0);
    expect(logs.length).toBeGreaterThan(0);
    expect(JSON.stringify(logs)).not.toContain(PASSWORD);
  });

  it('fails the calls in flight when the process dies, and starts a new one for the next call', async () => {
    const garmin = await holding();
    const logs: LogEntry[] = [];
    const bridge = open(logs, { env: { GARMIN_BASE_URL: garmin.url } });
    const login = bridge.call(LOGIN);
    await garmin.firstRequest;
    const firstPid = bridge.pid;
    expect(firstPid).toBeDefined();

    process.kill(firstPid ?? 0, 'SIGKILL');
    const error = await rejectionOf(login, BridgeTransportError);
    expect(error.reason).toBe('process-exited');
    expect(error.message).toContain('SIGKILL');
    expect(logs.some((entry) => entry.level === 'warn' && String(entry.message).includes('exited'))).toBe(true);

    expect((await bridge.call({ op: 'ping' })).ok).toBe(true);
    expect(bridge.pid).toBeDefined();
    expect(bridge.pid).not.toBe(firstPid);
  });

  it('times a call out without disturbing the others', async () => {
    const garmin = await holding();
    const bridge = open([], { env: { GARMIN_BASE_URL: garmin.url }, timeouts: { login: 500 } });
    const error = await rejectionOf(bridge.call(LOGIN), BridgeTransportError);
    expect(error.reason).toBe('timeout');
    const pid = bridge.pid;
    expect((await bridge.call({ op: 'ping' })).ok).toBe(true);
    expect(bridge.pid).toBe(pid);
  });

  it('closes cleanly: no process is left and later calls are refused', async () => {
    const bridge = open([]);
    await bridge.call({ op: 'ping' });
    const pid = bridge.pid ?? 0;
    expect(await isRunning(pid)).toBe(true);
    await bridge.close();
    expect(await isRunning(pid)).toBe(false);
    expect(bridge.pid).toBeUndefined();
    expect((await rejectionOf(bridge.call({ op: 'ping' }), BridgeTransportError)).reason).toBe('closed');
  });

  it('lets calls in flight finish when closing', async () => {
    const garmin = await holding();
    const bridge = open([], { env: { GARMIN_BASE_URL: garmin.url } });
    const login = bridge.call(LOGIN);
    await garmin.firstRequest;
    const pid = bridge.pid ?? 0;
    const closing = bridge.close();
    expect((await rejectionOf(bridge.call({ op: 'ping' }), BridgeTransportError)).reason).toBe('closed');
    garmin.release();
    expect(await login).toMatchObject({ ok: false, error: { code: 'UPSTREAM_UNAVAILABLE' } });
    await closing;
    expect(await isRunning(pid)).toBe(false);
  });

  it('stops a process still busy after the grace period, failing its calls as closed', async () => {
    const garmin = await holding();
    const bridge = open([], { env: { GARMIN_BASE_URL: garmin.url }, shutdownGraceMs: 300 });
    const login = bridge.call(LOGIN);
    await garmin.firstRequest;
    const pid = bridge.pid ?? 0;
    await bridge.close();
    expect((await rejectionOf(login, BridgeTransportError)).reason).toBe('closed');
    expect(await isRunning(pid)).toBe(false);
  });

  it('reports a missing interpreter as spawn-failed', async () => {
    const bridge = open([], { pythonPath: '/nonexistent/python' });
    expect((await rejectionOf(bridge.call({ op: 'ping' }), BridgeTransportError)).reason).toBe('spawn-failed');
  });

  it('is what stdioGarminBridge builds', async () => {
    const bridge = stdioGarminBridge(bridgeOptions([]));
    cleanups.push(() => bridge.close());
    expect((await bridge.call({ op: 'ping' })).ok).toBe(true);
  });

  describe('leaves no orphan when its parent process', () => {
    const fixture = fileURLToPath(new URL('./fixtures/bridge-parent.ts', import.meta.url));

    const startParent = async (mode: 'exit' | 'wait') => {
      // node itself with tsx's loader (not the tsx CLI, which would add a process between).
      const parent = spawn(process.execPath, ['--import', 'tsx', fixture, mode], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      cleanups.push(async () => {
        parent.kill('SIGKILL');
      });
      const exited = once(parent, 'exit');
      const [line] = (await once(createInterface({ input: parent.stdout }), 'line')) as [string];
      const pid = Number(line);
      expect(pid).toBeGreaterThan(0);
      return { parent, exited, pid };
    };

    it('exits without closing the bridge', async () => {
      const { exited, pid } = await startParent('exit');
      await exited;
      expect(await isRunning(pid)).toBe(false);
    });

    it('is killed outright (the bridge sees its stdin close)', async () => {
      const { parent, exited, pid } = await startParent('wait');
      expect(await isRunning(pid)).toBe(true);
      parent.kill('SIGKILL');
      await exited;
      await eventually(async () => !(await isRunning(pid)));
    });
  });
});
