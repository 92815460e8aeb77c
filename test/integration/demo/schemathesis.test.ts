/**
 * Schemathesis (PyPI, pinned in python-layer/requirements-dev.txt) against the demo server's
 * own /openapi.json, every check but one (test/schemathesis/schemathesis.toml says which and
 * why), deterministic data, for a user whose simulated Garmin account is connected so the
 * data routes answer 200 with real items. Any failure fails `npm test` with Schemathesis's
 * report (the request to reproduce it included).
 *
 * The server runs in this process over a fresh runtime; Garmin is a simulator of its own,
 * so the thousands of made-up logins and tickets leave nothing on the shared one.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../scripts/local/paths';
import { type RunningSimulator, startSimulator } from '../../simulator/server';
import { type DemoHarness, startDemoHarness } from './harness';

const SCHEMATHESIS = path.join(REPO_ROOT, '.venv', 'bin', 'schemathesis');
const CONFIG_DIR = path.join(REPO_ROOT, 'test', 'schemathesis');
/** The whole run's bound; it takes about 40 s on 2 cores. */
const RUN_TIMEOUT_MS = 300_000;

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  ms: number;
}

const runSchemathesis = (args: string[]): Promise<RunResult> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(SCHEMATHESIS, args, {
      cwd: CONFIG_DIR,
      env: { ...process.env, NO_COLOR: '1', COLUMNS: '120', PYTHONUTF8: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, ms: performance.now() - started });
    });
  });

describe('Schemathesis against the demo OpenAPI', () => {
  let simulator: RunningSimulator;
  let demo: DemoHarness;
  let token: string;

  beforeAll(async () => {
    simulator = await startSimulator();
    // Schemathesis sends thousands of requests a minute with one token: far past the per-user
    // throttle, which would answer most with 429 and test nothing else (the throttle has its own test).
    demo = await startDemoHarness({ eventSources: false, simulatorUrl: simulator.url, apiRequestLimits: { read: 1_000_000, change: 1_000_000 } });
    const user = demo.newUser();
    token = await demo.tokenFor(user);
    const connected = await demo.call('POST', '/garmin/connection', {
      token,
      body: { username: 'athlete@example.com', password: 'correct-horse' },
    });
    expect(connected.status).toBe(201);
    const synced = await demo.call('POST', '/garmin/sync', { token });
    expect(synced.status).toBe(200);
  });

  afterAll(async () => {
    await demo?.stop();
    await simulator?.close();
  });

  it(
    'passes every check on every operation',
    async () => {
      const doc = (await (await fetch(`${demo.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
      const result = await runSchemathesis([
        '--config-file',
        'schemathesis.toml',
        'run',
        `${demo.url}/openapi.json`,
        '--header',
        `Authorization: Bearer ${token}`,
        '--checks',
        'all',
        // Off for the reason in schemathesis.toml ([checks.unsupported_method]).
        '--exclude-checks',
        'unsupported_method',
        '--no-color',
      ]);
      const summary = result.output.slice(result.output.lastIndexOf('SUMMARY')).trim();
      console.log(`schemathesis: ${(result.ms / 1000).toFixed(1)} s, exit ${result.code ?? result.signal}\n${summary}`);
      if (result.code !== 0) console.log(result.output);
      expect(result.signal, 'killed: the run took longer than its bound').toBeNull();
      expect(result.code, 'Schemathesis failed: its report is printed above').toBe(0);
      expect(result.output).toContain(`Tested: ${operations}`);
      expect(result.output).toMatch(/\d+ generated, \d+ passed/);
    },
    RUN_TIMEOUT_MS + 30_000,
  );
});
