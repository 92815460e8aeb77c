/**
 * `npm run demo` as a user runs it: a child process on a random PORT. It must come up,
 * its printed walk-through must work verbatim in bash, and SIGTERM (to npm) or Ctrl-C (SIGINT
 * to the whole foreground process group) must leave no process and no port behind.
 * `--data <dir>` must keep the connection and the synced data across a restart.
 * (Uses its own emulators, started by the demo; not those of the global setup.)
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLocalAuth } from '../../../scripts/local/auth';
import { freePort } from '../../../scripts/local/emulators';
import { REPO_ROOT } from '../../../scripts/local/paths';

const READY_TIMEOUT_MS = 150_000;
const work = mkdtempSync(path.join(tmpdir(), 'demo-lifecycle-'));
const authDir = path.join(work, 'auth');
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface RunningDemo {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: RunningDemo[] = [];
afterEach(async () => {
  // A failed test must not leave a demo running.
  for (const demo of started.splice(0)) {
    const pid = demo.child.pid;
    if (pid && demo.child.exitCode === null && demo.child.signalCode === null) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        demo.child.kill('SIGKILL');
      }
    }
  }
});

const startDemo = async (args: string[] = [], options: { detached?: boolean } = {}): Promise<RunningDemo> => {
  const port = await freePort();
  let text = '';
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LOCAL_AUTH_DIR: authDir, DEMO_DISPATCH_SECONDS: '5' };
  const child = spawn('npm', ['run', 'demo', ...(args.length ? ['--', ...args] : [])], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const demo = { child, port, output: () => text, exited };
  started.push(demo);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!/^Ready in [\d.]+ s: http/m.test(text)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the demo did not come up:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The walk-through is printed right after the ready line; wait for its last line.
  while (!text.includes('Ctrl-C stops everything.') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return demo;
};

/** Every process whose ancestry leads to `root` (read from /proc). */
const descendants = (root: number): number[] => {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found = new Set<number>([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parentOf) {
      if (found.has(ppid) && !found.has(pid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  return [...found];
};

/** Alive and not a zombie waiting to be reaped. */
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
};

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** The server's port and those of DynamoDB Local, moto and the simulator, as printed. */
const portsOf = (demo: RunningDemo): number[] => {
  const emulatorPorts = [...demo.output().matchAll(/✓ .*http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
  expect(emulatorPorts).toHaveLength(3);
  return [demo.port, ...emulatorPorts];
};

const expectNothingLeft = async (pids: number[], ports: number[]) => {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && (pids.some(alive) || (await Promise.all(ports.map(listening))).some(Boolean))) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(pids.filter(alive), 'processes left behind').toEqual([]);
  const open = [];
  for (const port of ports) if (await listening(port)) open.push(port);
  expect(open, 'ports left open').toEqual([]);
};

describe('npm run demo', () => {
  it('comes up, its printed walk-through works verbatim in bash, SIGTERM leaves no process and no port behind', async () => {
    const demo = await startDemo();
    const output = demo.output();
    expect(output).toMatch(/✓ DynamoDB Local/);
    expect(output).toMatch(/✓ Python bridge +garminconnect 0\.3\./);

    const pids = descendants(demo.child.pid ?? 0);
    // npm, node (exec'd by npm's shell), three emulator watchdogs with their servers, the bridge.
    expect(pids.length).toBeGreaterThanOrEqual(8);
    const ports = portsOf(demo);
    for (const port of ports) expect(await listening(port)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${demo.port}/health`)).status).toBe(200);

    // The walk-through, exactly as printed.
    const lines = output.split('\n');
    const first = lines.findIndex((l) => l.startsWith('export API='));
    const block = lines.slice(first, lines.indexOf('', first)).join('\n');
    expect(block.split('\n')).toHaveLength(6);
    const shell = spawnSync('bash', ['-c', block], { encoding: 'utf8', timeout: 120_000 });
    expect(shell.status, shell.stderr).toBe(0);
    expect(shell.stdout).toContain('"status":"connected"');
    expect(shell.stdout).toContain('"done":true');
    expect(shell.stdout).toMatch(/"items":\[\{"activityId":"\d+"/);
    expect(shell.stdout).toMatch(/"totalSteps":\d+/);
    expect(shell.stdout).toMatch(/"totalKilocalories":\d+/);
    // The change feed: the connect, then what the backfill wrote.
    expect(shell.stdout).toMatch(/"items":\[\{"id":"evt_[0-9a-f]{32}","type":"connection.connected"/);
    expect(shell.stdout).toMatch(/"nextCursor":"[\w-]+"/);

    demo.child.kill('SIGTERM'); // to npm only, as a process manager would
    const exit = await demo.exited;
    expect(exit.code).toBe(0);
    expect(demo.output()).toMatch(/SIGTERM: stopping…\nstopped in [\d.]+ s/);
    await expectNothingLeft(pids, ports);
  });

  it('Ctrl-C (SIGINT to the whole foreground process group) leaves no process and no port behind', async () => {
    const demo = await startDemo([], { detached: true });
    const pids = descendants(demo.child.pid ?? 0);
    const ports = portsOf(demo);
    process.kill(-(demo.child.pid ?? 0), 'SIGINT');
    await demo.exited;
    expect(demo.output()).toMatch(/SIGINT: stopping…/);
    await expectNothingLeft(pids, ports);
  });

  it('--data <dir> keeps the connection and the synced data across a restart', async () => {
    const dataDir = path.join(work, 'data');
    const auth = await createLocalAuth({ dir: authDir });
    const headers = { authorization: `Bearer ${await auth.issue('persisted-user')}`, 'content-type': 'application/json' };

    const first = await startDemo(['--data', dataDir]);
    expect(first.output()).toContain(`kept in ${dataDir}`);
    expect(first.output()).toMatch(/keyring saved/);
    const api = (demo: RunningDemo, p: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${demo.port}${p}`, { headers, ...init });
    const connected = await api(first, '/garmin/connection', {
      method: 'POST',
      body: JSON.stringify({ username: 'athlete@example.com', password: 'correct-horse' }),
    });
    expect(connected.status).toBe(201);
    let done = false;
    for (let i = 0; i < 60 && !done; i++) {
      done = ((await (await api(first, '/garmin/connection')).json()) as { connection: { backfill: { done: boolean } } }).connection.backfill.done;
      if (!done) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(done).toBe(true);
    const before = (await (await api(first, '/garmin/activities?limit=5')).json()) as { items: Array<{ activityId: string }> };
    expect(before.items).toHaveLength(5);
    first.child.kill('SIGTERM');
    await first.exited;
    expect(existsSync(path.join(dataDir, 'keyring.json'))).toBe(true);

    const second = await startDemo(['--data', dataDir]);
    expect(second.output()).toMatch(/keyring restored/);
    const status = await api(second, '/garmin/connection');
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ connection: { username: 'athlete@example.com', backfill: { done: true } } });
    const after = (await (await api(second, '/garmin/activities?limit=5')).json()) as { items: Array<{ activityId: string }> };
    expect(after.items.map((a) => a.activityId)).toEqual(before.items.map((a) => a.activityId));
    second.child.kill('SIGTERM');
    await second.exited;
  });
});
