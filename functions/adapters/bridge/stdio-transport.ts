/**
 * The local transport: one long-lived Python bridge process spoken to over stdio, so
 * the local runtime and the tests run the real bridge without Lambda. Calls run
 * concurrently; a crashed process is replaced on the next call.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { BatchRequest, BatchResponse, BridgeRequest, BridgeResponse } from '../../core/shared/bridge-protocol';
import type { BatchCapableBridge } from './batching-bridge';
import { BridgeProcess, type BridgeLogger, type BridgeProcessConfig } from './bridge-process';
import { BridgeTransportError, invokeFailed } from './errors';
import { validateBatchRequest, validateRequest } from './protocol-io';
import { DEFAULT_BRIDGE_TIMEOUTS_MS, timeoutFor, type BridgeTimeouts } from './timeouts';

export interface StdioTransportOptions {
  /** Defaults to the repo's venv interpreter (scripts/local/paths.ts). */
  pythonPath?: string;
  /** Defaults to python-layer/, where the garmin_bridge package lives. */
  cwd?: string;
  /** Added to this process's environment (e.g. GARMIN_BASE_URL, ATTEMPTS_TABLE, AWS endpoints). */
  env?: Record<string, string>;
  timeouts?: Partial<BridgeTimeouts>;
  /** Receives the bridge's own log lines (its stderr). */
  logger?: BridgeLogger;
  /** close(): how long calls in flight may take to finish, and then how long SIGTERM may take. */
  shutdownGraceMs?: number;
  /**
   * Lambda's synchronous payload quota, each way (the local runtime passes AWS_LIMITS'), so
   * a call too big for the deployed transport fails here as it would there: a request over
   * it as the Invoke refused (RequestEntityTooLargeException), an answer over it as a
   * function error. No limit when absent.
   */
  payloadLimitBytes?: number;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;

const resolveConfig = async (options: StdioTransportOptions): Promise<BridgeProcessConfig> => {
  // Loaded only when a stdio bridge starts: paths.ts locates the repo from its own URL,
  // which means nothing inside a bundled Lambda that merely includes this module.
  const { PATHS } = await import('../../../scripts/local/paths');
  return {
    pythonPath: options.pythonPath ?? PATHS.venvPython,
    cwd: options.cwd ?? PATHS.pythonLayer,
    env: { ...process.env, ...options.env },
    logger: options.logger ?? new Logger({ serviceName: 'garmin-bridge' }),
    ...(options.payloadLimitBytes !== undefined ? { maxResponseBytes: options.payloadLimitBytes } : {}),
  };
};

export class StdioBridgeTransport implements BatchCapableBridge {
  private readonly timeouts: BridgeTimeouts;
  private readonly graceMs: number;
  private config?: Promise<BridgeProcessConfig>;
  private process?: BridgeProcess;
  private closed = false;

  constructor(private readonly options: StdioTransportOptions = {}) {
    this.timeouts = { ...DEFAULT_BRIDGE_TIMEOUTS_MS, ...options.timeouts };
    this.graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  }

  /** The running bridge process, if any (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.process?.isAlive ? this.process.pid : undefined;
  }

  async call(request: BridgeRequest): Promise<BridgeResponse> {
    const valid = validateRequest(request);
    return (await this.running(valid)).call(valid, timeoutFor(valid, this.timeouts));
  }

  async callBatch(request: BatchRequest): Promise<BatchResponse> {
    const valid = validateBatchRequest(request);
    return (await this.running(valid)).call(valid, timeoutFor(valid, this.timeouts));
  }

  /** The process to send `request` to, once it passed what Lambda's Invoke checks. */
  private async running(request: BridgeRequest | BatchRequest): Promise<BridgeProcess> {
    const limit = this.options.payloadLimitBytes;
    if (limit !== undefined && Buffer.byteLength(JSON.stringify(request)) > limit) throw invokeFailed(request.op, 'RequestEntityTooLargeException');
    this.config ??= resolveConfig(this.options);
    const config = await this.config;
    if (this.closed) throw new BridgeTransportError('closed', 'bridge transport closed');
    // Synchronous from here: concurrent first calls share one process.
    if (!this.process?.isAlive) this.process = new BridgeProcess(config);
    return this.process;
  }

  /** Lets calls in flight finish (within the grace period), then stops the process. Final. */
  async close(): Promise<void> {
    this.closed = true;
    await this.process?.close(this.graceMs);
  }
}
