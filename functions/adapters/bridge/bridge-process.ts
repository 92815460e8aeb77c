/**
 * One `python -m garmin_bridge serve` child process and the calls in flight on it.
 * Requests go out as JSON lines tagged with a fresh id; answers come back in any order
 * (the bridge runs calls in threads) and are matched by that id. When the process dies,
 * every call still waiting on it fails: the transport starts a new process next time.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from '../../core/shared/zod';
import type { BatchRequest, BatchResponse, BridgeRequest, BridgeResponse } from '../../core/shared/bridge-protocol';
import { BridgeTransportError, type BridgeTransportFailure, functionFailed } from './errors';
import { validateResponse } from './protocol-io';

export type BridgeLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface BridgeProcessConfig {
  pythonPath: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  logger: BridgeLogger;
  /** An answer longer than this (as the bridge serialized it) fails as Lambda fails an oversized response. */
  maxResponseBytes?: number;
}

interface PendingCall {
  op: BridgeRequest['op'] | 'batch';
  resolve(response: BridgeResponse | BatchResponse): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

// Killed synchronously when this process exits without close(), so no bridge outlives it.
const liveChildren = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;
const killChildrenOnExit = (): void => {
  for (const child of liveChildren) child.kill('SIGKILL');
};

const PYTHON_LEVELS = new Map<string, keyof BridgeLogger>([
  ['DEBUG', 'debug'],
  ['INFO', 'info'],
  ['WARNING', 'warn'],
  ['ERROR', 'error'],
  ['CRITICAL', 'error'],
]);
const MAX_RAW_STDERR_LINE = 2_000;

/** What garmin_bridge/logs.py writes: one JSON object per line. */
const PythonLogLine = z.looseObject({ message: z.string(), level: z.optional(z.string()) });

const parseJson = (line: string): unknown => {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
};

export class BridgeProcess {
  readonly pid: number | undefined;
  /** Resolves once the process is gone (exited, killed, or never started). */
  readonly exited: Promise<void>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<string, PendingCall>();
  private readonly logger: BridgeLogger;
  private readonly maxResponseBytes: number | undefined;
  private alive = true;
  private closing = false;

  constructor(config: BridgeProcessConfig) {
    this.logger = config.logger;
    this.maxResponseBytes = config.maxResponseBytes;
    this.child = spawn(config.pythonPath, ['-m', 'garmin_bridge', 'serve'], {
      cwd: config.cwd,
      env: config.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.pid = this.child.pid;
    let started = false;
    this.exited = new Promise((resolve) => {
      // 'close', not 'exit': it comes after stdout is drained, so answers written just
      // before the process ended still reach their calls.
      this.child.once('close', (code, signal) => {
        this.die('process-exited', `bridge process exited (${signal ? `signal ${signal}` : `code ${code}`})`);
        resolve();
      });
      this.child.on('error', (error: NodeJS.ErrnoException) => {
        if (started) {
          this.logger.warn('bridge process error', { errorCode: error.code });
          return;
        }
        this.die('spawn-failed', `bridge process could not start (${error.code ?? error.name})`);
        resolve();
      });
    });
    this.child.once('spawn', () => {
      started = true;
      this.logger.info('bridge process started', { pid: this.pid });
    });
    // A write after the process died fails with EPIPE; its calls fail through 'close'.
    this.child.stdin.on('error', () => undefined);
    createInterface({ input: this.child.stdout }).on('line', (line) => this.answer(line));
    createInterface({ input: this.child.stderr }).on('line', (line) => this.forwardLog(line));

    // The bridge must not keep this process alive on its own; pending calls' timers do.
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) (stream as Socket).unref();
    liveChildren.add(this.child);
    if (!exitHookInstalled) {
      process.once('exit', killChildrenOnExit);
      exitHookInstalled = true;
    }
  }

  get isAlive(): boolean {
    return this.alive && !this.closing;
  }

  call(request: BridgeRequest, timeoutMs: number): Promise<BridgeResponse>;
  call(request: BatchRequest, timeoutMs: number): Promise<BatchResponse>;
  call(request: BridgeRequest | BatchRequest, timeoutMs: number): Promise<BridgeResponse | BatchResponse> {
    if (!this.isAlive) return Promise.reject(new BridgeTransportError('process-exited', 'bridge process is not running'));
    const id = randomUUID();
    return new Promise<BridgeResponse | BatchResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        // The bridge may still finish the call: its late answer is dropped in answer().
        this.pending.delete(id);
        reject(new BridgeTransportError('timeout', `bridge ${request.op} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { op: request.op, resolve, reject, timer });
      this.child.stdin.write(`${JSON.stringify({ ...request, id })}\n`);
    }).then((response) => ({ ...response, id: request.id ?? id }));
  }

  /**
   * Ends stdin so the bridge finishes the calls in flight and exits; after `graceMs`
   * it is sent SIGTERM, and after another `graceMs` SIGKILL.
   */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    this.child.stdin.end();
    if (await exitedWithin(this.exited, graceMs)) return;
    this.child.kill('SIGTERM');
    if (await exitedWithin(this.exited, graceMs)) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  private die(reason: BridgeTransportFailure, message: string): void {
    if (!this.alive) return;
    this.alive = false;
    liveChildren.delete(this.child);
    if (!this.closing) this.logger.warn(message, { pid: this.pid, callsInFlight: this.pending.size });
    const error = new BridgeTransportError(this.closing ? 'closed' : reason, this.closing ? 'bridge transport closed' : message);
    for (const call of this.pending.values()) {
      clearTimeout(call.timer);
      call.reject(error);
    }
    this.pending.clear();
  }

  private answer(line: string): void {
    const payload = parseJson(line);
    const id = typeof payload === 'object' && payload !== null && 'id' in payload ? payload.id : undefined;
    const call = typeof id === 'string' ? this.pending.get(id) : undefined;
    if (typeof id !== 'string' || !call) {
      this.logger.warn('bridge answer matches no call in flight (timed out, or not JSON)');
      return;
    }
    this.pending.delete(id);
    clearTimeout(call.timer);
    if (this.maxResponseBytes !== undefined && Buffer.byteLength(line) > this.maxResponseBytes) {
      // Lambda answers an oversized response with X-Amz-Function-Error: Unhandled.
      call.reject(functionFailed(call.op, 'Unhandled'));
      return;
    }
    try {
      call.resolve(call.op === 'batch' ? validateResponse(payload, call.op) : validateResponse(payload, call.op));
    } catch (error) {
      call.reject(error);
    }
  }

  /** The bridge's stderr is its JSON log, already scrubbed of secrets. */
  private forwardLog(line: string): void {
    if (!line.trim()) return;
    const entry = PythonLogLine.safeParse(parseJson(line));
    if (entry.success) {
      const { message, level, ...fields } = entry.data;
      this.logger[PYTHON_LEVELS.get(level ?? '') ?? 'info'](message, { bridge: fields });
    } else {
      // Not a log record (e.g. the interpreter failing before logging is set up).
      this.logger.warn('bridge stderr', { line: line.slice(0, MAX_RAW_STDERR_LINE) });
    }
  }
}

const exitedWithin = async (exited: Promise<void>, ms: number): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([exited.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
};
