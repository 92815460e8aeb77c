/**
 * `npm run demo`: the whole system on this machine, offline.
 *   DynamoDB Local + moto (SQS, Secrets Manager) + the Garmin simulator, started in parallel;
 *   the local runtime (real handlers, real Python bridge); the schedule (dispatch every
 *   DEMO_DISPATCH_SECONDS, default 30) and the queue poller feeding the sync worker; the
 *   local API Gateway with the JWT authorizer, the page, /health and /openapi.json.
 * `npm run dev`: the same against the real Garmin Connect (no simulator, no GARMIN_BASE_URL).
 *
 * Options: --port N (or PORT, default 3000), --host H (or HOST, default 127.0.0.1),
 *          --data <dir> (or DEMO_DATA_DIR): keep the tables (and the credential keyring) in
 *          that folder instead of in memory; --verbose: emulator output and handler logs.
 * Ctrl-C / SIGTERM stops everything (a second one forces it).
 */
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderWalkthrough } from './walkthrough';
import { persistKeyring } from './keyring-file';
// Types only: the modules themselves load later, in parallel with the emulators.
import type { LocalAuth } from '../local/auth';
import type { Emulator } from '../local/emulators';
import type { LocalRuntime } from '../local/runtime';
import type { WebhookReceiver } from '../local/webhook-receiver';

type Stoppable = { name: string; stop: () => Promise<unknown> };

const started = performance.now();
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
// Our own lines bypass the filter below.
const rawStdout = process.stdout.write.bind(process.stdout);
const out = (line = '') => rawStdout(`${line}\n`);
const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(2);
};

// --------------------------------------------------------------------------------------
// Options
// --------------------------------------------------------------------------------------

const args = (() => {
  try {
    return parseArgs({
      options: {
        dev: { type: 'boolean', default: false },
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        verbose: { type: 'boolean', short: 'v', default: false },
        'no-setup': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)} (try --help)`);
  }
})();

if (args.help) {
  out('usage: npm run demo [-- --port N] [--host H] [--data <dir>] [--verbose] [--no-setup]');
  out('       npm run dev  [-- ...same...]   (the real Garmin Connect instead of the simulator)');
  out('env:   PORT, HOST, DEMO_DATA_DIR, DEMO_DISPATCH_SECONDS (default 30),');
  out('       DEMO_WEBHOOK_URL (deliver webhooks there instead of the page\'s own receiver), DEMO_WEBHOOK_SECRET (whsec_..., else generated)');
  process.exit(0);
}

const mode = args.dev ? 'dev' : 'demo';
const portText = args.port ?? process.env.PORT ?? '3000';
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65_535) fail(`port must be 0-65535, got ${portText}`);
const host = args.host ?? process.env.HOST ?? '127.0.0.1';
const dataDirArg = args.data ?? process.env.DEMO_DATA_DIR;
const dataDir = dataDirArg ? path.resolve(dataDirArg) : undefined;
const dispatchSeconds = Number(process.env.DEMO_DISPATCH_SECONDS ?? '30');
if (!Number.isFinite(dispatchSeconds) || dispatchSeconds < 1) fail('DEMO_DISPATCH_SECONDS must be a number >= 1');
const verbose = args.verbose || process.env.LOCAL_STACK_VERBOSE === '1';
const prefix = mode; // fixed, so --data finds its tables again

// The AWS SDK and the bridge read these; set before anything AWS is loaded (the AWS environment once the emulators are up).
if (verbose) process.env.LOCAL_STACK_VERBOSE = '1';
const region = process.env.AWS_REGION ?? 'eu-west-1';
// Only the simulator is ever reached through GARMIN_BASE_URL (the runtime passes it to the bridge).
delete process.env.GARMIN_BASE_URL;
// Node 20 is what this machine has; the SDK's notice about its future support is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? 'true';
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? (verbose ? 'INFO' : 'WARN');
process.env.POWERTOOLS_METRICS_DISABLED = process.env.POWERTOOLS_METRICS_DISABLED ?? (verbose ? 'false' : 'true');
process.env.POWERTOOLS_SERVICE_NAME = process.env.POWERTOOLS_SERVICE_NAME ?? `garmin-sync-${mode}`;

// --------------------------------------------------------------------------------------
// Shutdown: whatever has started is stopped in reverse order, once.
// --------------------------------------------------------------------------------------

const running: Stoppable[] = [];
let shuttingDown: Promise<void> | undefined;

const withTimeout = async (what: Promise<unknown>, ms: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([what.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
};

const shutdown = (why: string, code: number): Promise<void> =>
  (shuttingDown ??= (async () => {
    const t = performance.now();
    if (code === 0) quiet = true; // after an error, what the components say may explain it
    out(`\n${why}: stopping…`);
    // Reverse start order: server, schedule + poller, runtime (bridge), emulators.
    for (const item of [...running].reverse()) {
      // The runtime waits for connect workers, and one waiting for an MFA code may wait minutes.
      await withTimeout(item.stop(), item.name === 'emulators' ? 15_000 : 5_000);
    }
    out(`stopped in ${seconds(t)}`);
    process.exit(code);
  })());

/**
 * Output while stopping: the components are going away and whatever they say about it
 * (handlers failing on a killed emulator, Powertools notices) is noise, so after the
 * signal only our own lines are shown (--verbose: everything). The Python bridge ignores
 * Ctrl-C (its parent stops it: garmin_bridge/__main__.py), so it has no traceback to hold back.
 */
let quiet = false;
if (!verbose) {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => (quiet ? true : write(chunk, ...rest))) as typeof stream.write;
  }
}

let firstSignalAt = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    // npm forwards the Ctrl-C it got itself: the same keypress arrives twice, at once.
    if (shuttingDown && performance.now() - firstSignalAt > 1_000) {
      out('forced exit');
      process.exit(130); // exit hooks of emulators.ts and the bridge kill what is left
    }
    if (shuttingDown) return;
    firstSignalAt = performance.now();
    void shutdown(signal, 0);
  });
}
// `npm run` forwards SIGTERM to its shell, which may die without passing it on: if our
// parent goes away (we get re-parented), stop as if signalled. Keeps no event loop alive.
const parentAtStart = process.ppid;
setInterval(() => {
  if (process.ppid !== parentAtStart) void shutdown('parent process gone', 0);
}, 500).unref();
process.on('uncaughtException', (error) => {
  process.stderr.write(`unexpected error: ${error.stack ?? error.message}\n`);
  void shutdown('error', 1);
});
process.on('unhandledRejection', (error) => {
  process.stderr.write(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  void shutdown('error', 1);
});

const runSetup = async (): Promise<void> => {
  const t = performance.now();
  const { spawn } = await import('node:child_process');
  const { REPO_ROOT } = await import('../local/paths');
  const log: string[] = [];
  const code = await new Promise<number | null>((resolve) => {
    // The page test's Chromium is not needed to run the demo.
    const child = spawn('bash', [path.join(REPO_ROOT, 'scripts', 'setup.sh')], {
      cwd: REPO_ROOT,
      env: { ...process.env, SETUP_SKIP_CHROMIUM: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        log.push(chunk);
        // Installing takes minutes on a fresh clone: show what it does.
        if (verbose || /installing|fetching|creating|recreating|trying/.test(chunk)) process.stdout.write(chunk.replace(/^(?=.)/gm, '    '));
      });
    }
    child.once('error', () => resolve(null));
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) {
    process.stderr.write(`  ✗ setup failed (scripts/setup.sh):\n${log.join('').replace(/^(?=.)/gm, '    ')}`);
    process.exit(1);
  }
  out(`  ✓ ${'setup (.venv, DynamoDB Local)'.padEnd(28)} ${''.padEnd(24)} ${seconds(t)}`);
};

const portFree = (p: number, h: string) =>
  new Promise<string | undefined>((resolve) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    probe.listen(p, h, () => probe.close(() => resolve(undefined)));
  });

// --------------------------------------------------------------------------------------
// Start
// --------------------------------------------------------------------------------------

const printBanner = (): void => {
  out(
    mode === 'demo'
      ? 'garmin-sync demo: the whole backend on this machine, offline, against a simulated Garmin Connect'
      : 'garmin-sync dev: the whole backend on this machine, against the REAL Garmin Connect (your own account)',
  );
  out(`  storage: ${dataDir ? `kept in ${dataDir}` : 'in memory (use --data <dir> to keep it)'}`);
};

interface Emulators {
  dynamodb: Emulator;
  moto: Emulator;
  simulator: Emulator | undefined;
}

/** DynamoDB Local, moto and (demo) the simulator, in parallel; undefined when one failed (everything is then stopping). */
const startEmulators = async (): Promise<Emulators | undefined> => {
  const emulators = await import('../local/emulators');
  out(`  starting ${mode === 'demo' ? 'DynamoDB Local, moto and the Garmin simulator' : 'DynamoDB Local and moto'} …`);
  const t0 = performance.now();
  const starts: Array<[string, Promise<Emulator>]> = [
    ['DynamoDB Local', emulators.startDynamoDbLocal(dataDir ? { dataDir: path.join(dataDir, 'dynamodb') } : {})],
    ['moto (SQS, Secrets Manager)', emulators.startMoto()],
    ...(mode === 'demo' ? [['Garmin simulator', emulators.startSimulator()] as [string, Promise<Emulator>]] : []),
  ];
  const results = await Promise.allSettled(
    starts.map(async ([label, promise]) => {
      const emulator = await promise;
      out(`  ✓ ${label.padEnd(28)} ${emulator.endpoint.padEnd(24)} ${seconds(t0)}`);
      return emulator;
    }),
  );
  const up = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  running.push({ name: 'emulators', stop: () => Promise.allSettled(up.map((e) => e.stop())) });
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length) {
    for (const f of failures) process.stderr.write(`  ✗ ${f instanceof Error ? f.message : String(f)}\n`);
    process.stderr.write('  (npm run setup installs DynamoDB Local and moto)\n');
    await shutdown('start failed', 1);
    return undefined;
  }
  const [dynamodb, moto, simulator] = up as [Emulator, Emulator, Emulator | undefined];
  emulators.applyAwsEnvironment(emulators.emulatorAwsEnvironment({ dynamodb, moto }, region, 'local'));
  return { dynamodb, moto, simulator };
};

interface Backend {
  runtime: LocalRuntime;
  receiver: WebhookReceiver;
  webhookUrl: string;
  webhookSecret: string;
}

/** The webhook receiver and the local runtime (tables, queue + DLQ, keyring). */
const startBackend = async (startLocalRuntime: typeof import('../local/runtime').startLocalRuntime, simulator: Emulator | undefined): Promise<Backend> => {
  const t1 = performance.now();
  // Webhooks go to DEMO_WEBHOOK_URL when set, else to the page's own receiver (verifying every signature).
  const { WebhookReceiver } = await import('../local/webhook-receiver');
  const receiver = new WebhookReceiver();
  const webhookUrl = process.env.DEMO_WEBHOOK_URL || (await receiver.start());
  running.push({ name: 'webhook receiver', stop: () => receiver.stop() });
  const runtime = await startLocalRuntime({
    prefix,
    ...(simulator ? { garminBaseUrl: simulator.endpoint } : {}),
    webhookUrl,
    ...(process.env.DEMO_WEBHOOK_SECRET ? { webhookSecret: process.env.DEMO_WEBHOOK_SECRET } : {}),
  });
  running.push({ name: 'runtime', stop: () => runtime.stop() });
  const webhookSecret = runtime.webhooks?.secret ?? '';
  receiver.useSecret(webhookSecret);
  const keyring = dataDir ? await persistKeyring(dataDir, prefix) : undefined;
  out(`  ✓ ${'tables, queue + DLQ, keyring'.padEnd(28)} ${(keyring ? `keyring ${keyring}` : '').padEnd(24)} ${seconds(t1)}`);
  return { runtime, receiver, webhookUrl, webhookSecret };
};

/** Pings the Python bridge while the authorizer's keys load. */
const checkBridge = async (runtime: LocalRuntime, createLocalAuth: typeof import('../local/auth').createLocalAuth): Promise<LocalAuth> => {
  const t2 = performance.now();
  const [ping, auth] = await Promise.all([runtime.services.deps.bridge.call({ op: 'ping' }), createLocalAuth()]);
  if (!ping.ok) throw new Error(`the Python bridge did not answer a ping: ${ping.error.code} ${ping.error.message}`);
  const versions = ping.result as { garminconnectVersion: string; pythonVersion: string };
  out(`  ✓ ${'Python bridge'.padEnd(28)} ${`garminconnect ${versions.garminconnectVersion}`.padEnd(24)} ${seconds(t2)}`);
  return auth;
};

const printReady = (serverUrl: string, simulator: Emulator | undefined, backend: Backend, token: string): void => {
  out();
  out(`Ready in ${seconds(started)}: ${serverUrl}`);
  // Exactly this prefix: tests outside the project read the simulator's control API (/__sim) from it.
  if (simulator) out(`Garmin simulator: ${simulator.endpoint}`);
  out(`  page      ${serverUrl}/`);
  out(`  OpenAPI   ${serverUrl}/openapi.json`);
  out(`  health    ${serverUrl}/health`);
  out(`  schedule  dispatch every ${dispatchSeconds} s; queue poller feeding the sync worker (DLQ after 3 receives)`);
  out(`  token     for user "demo-user", valid 12 h (the page uses the same user; more: npm run -s token -- <userId>)`);
  // Exactly these prefixes: a receiver outside the project verifies the demo's webhooks with the secret.
  out(`Webhooks: ${backend.webhookUrl}`);
  out(`Webhook secret: ${backend.webhookSecret}`);
  out();
  out(renderWalkthrough(serverUrl, token, new Date(), mode));
  out();
  out(mode === 'demo' ? 'MFA: connect mfa@example.com / correct-horse on the page, code 123456.' : 'Connect your own Garmin account on the page.');
  out('Ctrl-C stops everything.');
};

const main = async () => {
  printBanner();
  if (port !== 0) {
    const busy = await portFree(port, host);
    if (busy) fail(`port ${port} on ${host} is not available (${busy}): set PORT or --port`);
  }
  // Like `npm test`, run the idempotent setup first (a fresh clone has no .venv and no
  // DynamoDB Local yet); when everything is in place it only checks (~1-2 s).
  if (!args['no-setup'] && process.env.DEMO_SKIP_SETUP !== '1') await runSetup();

  // Heavy modules load while nothing else happens yet: do it in parallel with the emulators.
  const modules = Promise.all([import('../local/runtime'), import('../local/server'), import('../local/auth'), import('../local/schedule')]);
  const emulators = await startEmulators();
  if (!emulators) return;
  const { simulator } = emulators;
  const [{ startLocalRuntime }, { startLocalServer }, { createLocalAuth }, { startLocalEventSources }] = await modules;

  const backend = await startBackend(startLocalRuntime, simulator);
  const { runtime, receiver, webhookUrl } = backend;
  const auth = await checkBridge(runtime, createLocalAuth);
  const server = await startLocalServer({
    runtime,
    auth,
    port,
    host,
    mode,
    ...(simulator ? { simulatorUrl: simulator.endpoint } : {}),
    demoTokens: { defaultUser: 'demo-user' },
    webhookLog: () => ({ endpoint: webhookUrl, events: receiver.delivered() }),
    accessLog: (line) => out(`  ${line}`),
  });
  running.push({ name: 'server', stop: () => server.close() });
  const sources = startLocalEventSources(runtime, {
    dispatchEverySeconds: dispatchSeconds,
    dispatchAtStart: true,
    log: (line) => out(`  ${line}`),
    onError: (what, error) => process.stderr.write(`  ! ${what}: ${error instanceof Error ? error.message : String(error)}\n`),
  });
  // Stopped before the runtime (after the server): inserted so the reverse order holds.
  running.splice(running.length - 1, 0, { name: 'event sources', stop: () => sources.stop() });

  printReady(server.url, simulator, backend, await auth.issue('demo-user'));
};

main().catch(async (error: unknown) => {
  process.stderr.write(`\nstart failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await shutdown('start failed', 1);
});
