/**
 * Local stand-ins for the cloud services, started as child processes:
 *   - DynamoDB Local (Java, fetched by scripts/setup.sh into .cache/dynamodb-local/lib)
 *   - moto in server mode (Secrets Manager, SQS, ...; .venv/bin/moto_server)
 *   - ElasticMQ (Java, fetched by scripts/setup.sh into .cache/elasticmq/lib), the SQS of a
 *     stack started with `sqs: 'elasticmq'` (the benchmark): moto's SQS scans every message of
 *     a queue on each send and receive, so a queue thousands deep costs seconds a call
 *   - the Garmin Connect simulator (test/simulator/main.ts, run with tsx)
 *
 * Each child runs in its own process group behind a tiny bash watchdog, so stop() takes
 * grandchildren (java, python, node under tsx) down too, and so does the death of this
 * process: on a normal exit or SIGINT/SIGTERM/SIGHUP the groups are killed here, and if
 * this process is killed outright the watchdog sees its stdin close and kills its group.
 *
 * Set LOCAL_STACK_VERBOSE=1 to echo the children's output to stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { processTable } from './process-table';
import { DYNAMODB_LOCAL_MAIN_CLASS, ELASTICMQ_MAIN_CLASS, PATHS, REL_PATHS, REPO_ROOT } from './paths';

export interface Emulator {
  /** Short name: "dynamodb", "moto", "elasticmq" or "simulator". */
  readonly name: string;
  /** Base URL, e.g. http://127.0.0.1:8000 */
  readonly endpoint: string;
  readonly port: number;
  /** Pid of the child, which is also its process group id. */
  readonly pid: number;
  /** Last lines the process wrote to stdout and stderr (for diagnostics). */
  outputTail(): string;
  /** SIGTERM to the whole process group, SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void>;
}

export interface CommonOptions {
  /** Port to listen on; a free one is picked when omitted. */
  port?: number;
  /** How long to wait for the health check to pass (default 90 s). */
  startTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL on stop (default 5 s). */
  stopGraceMs?: number;
}

export interface DynamoDbLocalOptions extends CommonOptions {
  /** Persist tables in this directory (-dbPath) instead of in memory. */
  dataDir?: string;
  /**
   * One database for all credentials and regions (-sharedDb, default true). Without it
   * DynamoDB Local keeps a separate database per access key id and region, so clients
   * configured differently (e.g. the TS and Python sides) would not see each other's tables.
   */
  sharedDb?: boolean;
}

export type MotoOptions = CommonOptions;

export interface ElasticMqOptions extends CommonOptions {
  /** The account in its queue URLs and ARNs: moto's, so the local IAM rules see one account. */
  accountId?: string;
  /** The region in its queue ARNs. */
  region?: string;
}

export interface SimulatorOptions extends CommonOptions {
  /** Entry file (default test/simulator/main.ts). */
  mainFile?: string;
  /** Extra CLI arguments for the simulator. */
  args?: string[];
}

export interface LocalStackOptions {
  dynamodb?: DynamoDbLocalOptions;
  moto?: MotoOptions;
  simulator?: SimulatorOptions;
  /** SQS on ElasticMQ instead of moto (moto keeps Secrets Manager). */
  elasticMq?: ElasticMqOptions;
}

export interface LocalStack {
  dynamodb: Emulator;
  moto: Emulator;
  simulator: Emulator;
  /** The SQS endpoint: moto, or ElasticMQ when the stack was started with it. */
  sqs: Emulator;
  /** Stops them all (in parallel); never rejects. */
  stopAll(): Promise<void>;
}

/**
 * The AWS environment that points the SDK (and the bridge, a child process) at the
 * emulators: their endpoints, a region and dummy credentials.
 */
export const emulatorAwsEnvironment = (
  emulators: { dynamodb: Pick<Emulator, 'endpoint'>; moto: Pick<Emulator, 'endpoint'>; sqs?: Pick<Emulator, 'endpoint'> },
  region: string,
  credential: string,
): Record<string, string> => ({
  AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodb.endpoint,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: emulators.moto.endpoint,
  AWS_ENDPOINT_URL_SQS: (emulators.sqs ?? emulators.moto).endpoint,
  AWS_REGION: region,
  AWS_DEFAULT_REGION: region,
  AWS_ACCESS_KEY_ID: credential,
  AWS_SECRET_ACCESS_KEY: credential,
  AWS_EC2_METADATA_DISABLED: 'true',
});

/** Sets `env` in process.env, with no real credentials or profile mixed into the dummy ones. */
export const applyAwsEnvironment = (env: Record<string, string>): void => {
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  Object.assign(process.env, env);
};

const HOST = '127.0.0.1';
const DEFAULT_START_TIMEOUT_MS = 90_000;
const DEFAULT_STOP_GRACE_MS = 5_000;
const POLL_INTERVAL_MS = 150;
const TAIL_BYTES = 16 * 1024;
const VERBOSE = process.env.LOCAL_STACK_VERBOSE === '1';

/** Returns a port that was free a moment ago (bind port 0, read it back, release it). */
export async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not determine a free port'));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves to the port when given one that is free (else a clear error), or to a free one. */
async function choosePort(name: string, port: number | undefined): Promise<number> {
  if (port === undefined) return freePort();
  // Without this a server already on the port would pass the health check for ours.
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`${name}: port ${port} on ${HOST} is not available (${error.code ?? error.message})`)),
    );
    server.listen(port, HOST, () => server.close(() => resolve()));
  });
  return port;
}

// ------------------------------------------------------------------------------------
// Process management
// ------------------------------------------------------------------------------------

/**
 * Runs "$@" in the background and waits for it. A second background job blocks reading
 * stdin, which is a pipe from the parent: when the parent dies the pipe closes and the job
 * kills the whole process group (TERM, then KILL). When the command exits by itself the
 * watcher is killed and the command's exit code is passed on.
 */
const WATCHDOG = [
  // Background jobs of a non-interactive shell get /dev/null as stdin: keep the pipe on fd 3.
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'child=$!',
  '{ while IFS= read -r _ <&3; do :; done; trap "" TERM; kill -TERM 0 2>/dev/null; sleep 3; kill -KILL 0 2>/dev/null; } &',
  'watcher=$!',
  'wait "$child"',
  'rc=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$rc"',
].join('\n');

class OutputTail {
  private text = '';

  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > TAIL_BYTES) this.text = this.text.slice(-TAIL_BYTES);
  }

  lines(max = 40): string {
    return this.text.trimEnd().split('\n').slice(-max).join('\n');
  }
}

interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

interface Managed {
  name: string;
  child: ChildProcess;
  pid: number;
  commandLine: string;
  stdout: OutputTail;
  stderr: OutputTail;
  /** Set once the direct child (the watchdog) has exited. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  exited: Promise<void>;
}

const live = new Set<Managed>();
let hooksInstalled = false;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // group already gone
  }
}

/** True while any non-zombie process of the group exists. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // kill(2) also succeeds for zombies that nobody has reaped yet; look closer where /proc exists.
  if (!existsSync('/proc/self/stat')) return true;
  return processTable().some((p) => p.group === pgid && p.state !== 'Z' && p.state !== 'X');
}

function killAllNow(): void {
  for (const managed of live) signalGroup(managed.pid, 'SIGKILL');
  live.clear();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllNow();
      process.removeListener(signal, onSignal);
      // Keep the default behaviour (terminate) unless someone else handles the signal.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function spawnManaged(
  name: string,
  command: string,
  args: readonly string[],
  spawnOpts: SpawnOptions = {},
): Managed {
  installExitHooks();
  const child = spawn('bash', ['-c', WATCHDOG, `watchdog:${name}`, command, ...args], {
    cwd: spawnOpts.cwd ?? REPO_ROOT,
    env: spawnOpts.env ?? process.env,
    detached: true, // own process group: stop() signals -pid
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    throw new Error(`${name}: could not spawn ${command}`);
  }
  const managed: Managed = {
    name,
    child,
    pid: child.pid,
    commandLine: [command, ...args].join(' '),
    stdout: new OutputTail(),
    stderr: new OutputTail(),
    exit: null,
    exited: new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        managed.exit = { code, signal };
        resolve();
      });
    }),
  };
  for (const [stream, tail] of [
    [child.stdout, managed.stdout],
    [child.stderr, managed.stderr],
  ] as const) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      tail.push(chunk);
      if (VERBOSE) process.stderr.write(chunk.replace(/^(?=.)/gm, `[${name}] `));
    });
  }
  // Never let a spawn error (e.g. ENOENT) crash the parent; it shows up as an early exit.
  child.on('error', (error) => managed.stderr.push(`spawn error: ${error.message}\n`));
  child.stdin?.on('error', () => undefined);
  // Don't keep the parent alive just because emulators run; the exit hooks clean up.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    if (stream instanceof net.Socket) stream.unref();
  }
  live.add(managed);
  return managed;
}

function describeOutput(managed: Managed): string {
  const parts: string[] = [];
  const err = managed.stderr.lines();
  const out = managed.stdout.lines();
  parts.push(err ? `--- stderr (tail) ---\n${err}` : '--- stderr: (empty) ---');
  if (out) parts.push(`--- stdout (tail) ---\n${out}`);
  return parts.join('\n');
}

async function terminate(managed: Managed, graceMs: number): Promise<void> {
  live.delete(managed);
  if (groupAlive(managed.pid)) {
    signalGroup(managed.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && groupAlive(managed.pid)) await delay(50);
    if (groupAlive(managed.pid)) {
      signalGroup(managed.pid, 'SIGKILL');
      const killDeadline = Date.now() + 5_000;
      while (Date.now() < killDeadline && groupAlive(managed.pid)) await delay(50);
    }
  }
  // The direct child is dead by now; wait (briefly) for node to see its exit.
  await Promise.race([managed.exited, delay(2_000)]);
  managed.child.stdin?.destroy();
  managed.child.stdout?.destroy();
  managed.child.stderr?.destroy();
}

async function waitUntilReady(
  managed: Managed,
  isReady: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (managed.exit) {
      const how = managed.exit.signal ? `signal ${managed.exit.signal}` : `code ${managed.exit.code}`;
      throw new Error(
        `${managed.name} exited (${how}) before becoming ready: ${managed.commandLine}\n${describeOutput(managed)}`,
      );
    }
    if (await isReady()) return;
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `${managed.name} did not become ready within ${timeoutMs} ms: ${managed.commandLine}\n${describeOutput(managed)}`,
      );
    }
    await delay(POLL_INTERVAL_MS);
  }
}

/** Resolves to the HTTP status, or null when nothing answered (yet). */
async function httpStatus(url: string): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

async function startManaged(
  name: string,
  command: string,
  args: readonly string[],
  port: number,
  isReady: (endpoint: string) => Promise<boolean>,
  opts: CommonOptions,
  spawnOpts?: SpawnOptions,
): Promise<Emulator> {
  const endpoint = `http://${HOST}:${port}`;
  const managed = spawnManaged(name, command, args, spawnOpts);
  const graceMs = opts.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  try {
    await waitUntilReady(managed, () => isReady(endpoint), opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  } catch (error) {
    await terminate(managed, graceMs);
    throw error;
  }
  let stopping: Promise<void> | null = null;
  return {
    name,
    endpoint,
    port,
    pid: managed.pid,
    outputTail: () => describeOutput(managed),
    stop: () => (stopping ??= terminate(managed, graceMs)),
  };
}

function requireFile(file: string, hint: string): void {
  if (!existsSync(file)) throw new Error(`${file} not found: ${hint}`);
}

// ------------------------------------------------------------------------------------
// The emulators
// ------------------------------------------------------------------------------------

export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<Emulator> {
  const lib = PATHS.dynamoDbLocalLib;
  requireFile(lib, 'run `npm run setup` (scripts/setup.sh) to fetch DynamoDB Local');
  const port = await choosePort('dynamodb', opts.port);
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  let storage = ['-inMemory'];
  if (opts.dataDir) {
    const dir = path.resolve(opts.dataDir);
    mkdirSync(dir, { recursive: true });
    storage = ['-dbPath', dir];
  }
  const args = [
    `-Djava.library.path=${lib}`,
    '-Xms64m',
    '-Xmx1g',
    '-XX:TieredStopAtLevel=1', // faster start-up; plenty fast for tests
    '-cp',
    `${lib}/*`,
    DYNAMODB_LOCAL_MAIN_CLASS,
    ...storage,
    ...(opts.sharedDb === false ? [] : ['-sharedDb']),
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  // Any HTTP answer means the server is up (GET / answers 400). The working directory is
  // the cache dir because DynamoDB Local writes dynamodb-local-metadata.json into it.
  return startManaged('dynamodb', java, args, port, async (url) => (await httpStatus(`${url}/`)) !== null, opts, {
    cwd: PATHS.dynamoDbLocalDir,
  });
}

export async function startMoto(opts: MotoOptions = {}): Promise<Emulator> {
  requireFile(PATHS.motoServer, 'run `npm run setup` (scripts/setup.sh) to create .venv with moto[server]');
  const port = await choosePort('moto', opts.port);
  return startManaged(
    'moto',
    PATHS.motoServer,
    ['-H', HOST, '-p', String(port)],
    port,
    async (url) => (await httpStatus(`${url}/moto-api/`)) === 200,
    opts,
    { env: { ...process.env, PYTHONUNBUFFERED: '1' } },
  );
}

/** moto's default account: ElasticMQ's queues live in it too, so every local ARN names one account. */
const MOTO_ACCOUNT_ID = '123456789012';

export async function startElasticMq(opts: ElasticMqOptions = {}): Promise<Emulator> {
  const lib = PATHS.elasticMqLib;
  requireFile(lib, 'run `npm run setup` (scripts/setup.sh) to fetch ElasticMQ');
  const port = await choosePort('elasticmq', opts.port);
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  // ElasticMQ reads its settings with Typesafe Config, where system properties override the defaults.
  const settings = {
    'node-address.host': HOST,
    'node-address.port': String(port),
    'rest-sqs.bind-hostname': HOST,
    'rest-sqs.bind-port': String(port),
    // AWS's limits on message size, batch size and attribute values, not ElasticMQ's looser ones.
    'rest-sqs.sqs-limits': 'strict',
    'rest-stats.enabled': 'false',
    'aws.region': opts.region ?? 'eu-west-1',
    'aws.accountId': opts.accountId ?? MOTO_ACCOUNT_ID,
  };
  const args = [
    '-Xms64m',
    '-Xmx512m',
    ...Object.entries(settings).map(([key, value]) => `-D${key}=${value}`),
    '-cp',
    `${lib}/*`,
    ELASTICMQ_MAIN_CLASS,
  ];
  // Any HTTP answer means the server is up (GET / answers 4xx).
  return startManaged('elasticmq', java, args, port, async (url) => (await httpStatus(`${url}/`)) !== null, opts, {
    cwd: PATHS.elasticMqDir,
  });
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Emulator> {
  const mainFile = path.resolve(REPO_ROOT, opts.mainFile ?? REL_PATHS.simulatorMain);
  requireFile(mainFile, 'the Garmin Connect simulator entry point is missing');
  requireFile(PATHS.tsx, 'run `npm ci` first');
  const port = await choosePort('simulator', opts.port);
  return startManaged(
    'simulator',
    PATHS.tsx,
    [mainFile, '--port', String(port), ...(opts.args ?? [])],
    port,
    async (url) => (await httpStatus(`${url}/__sim/health`)) === 200,
    opts,
  );
}

/** Starts DynamoDB Local, moto, the simulator (and ElasticMQ when asked) in parallel; all or nothing. */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const results = await Promise.allSettled([
    startDynamoDbLocal(opts.dynamodb),
    startMoto(opts.moto),
    startSimulator(opts.simulator),
    ...(opts.elasticMq ? [startElasticMq(opts.elasticMq)] : []),
  ]);
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (failures.length > 0) {
    await Promise.allSettled(started.map((e) => e.stop()));
    const message = failures.map((f: unknown) => (f instanceof Error ? f.message : String(f))).join('\n\n');
    throw new Error(`local stack failed to start:\n${message}`);
  }
  const [dynamodb, moto, simulator, elasticMq] = started as [Emulator, Emulator, Emulator, Emulator | undefined];
  return {
    dynamodb,
    moto,
    simulator,
    sqs: elasticMq ?? moto,
    stopAll: async () => {
      await Promise.allSettled(started.map((e) => e.stop()));
    },
  };
}
