/**
 * The benchmark's wiring of the local runtime (scripts/local/runtime.ts): a clock it moves,
 * a pool of bridge processes (like several Lambda instances of the bridge), a meter on
 * every DynamoDB client, a visibility timeout longer than any run, plus what only the
 * benchmark asks: API answers as JSON, dispatch's decisions without queueing, and the
 * naive baseline's sync strategy behind the real sync-worker handler.
 */
import type { Clock, SyncJob } from '../../functions/core/shared/ports';
import type { Services } from '../../functions/core/services';
import { type DispatchOptions, type DispatchResult, dispatchDue } from '../../functions/core/sync/dispatch-service';
import { httpEvent, type EventInput } from '../local/apigw-events';
import { type LocalRuntime, type WorkOptions, startLocalRuntime } from '../local/runtime';
import { DynamoMeter } from './ddb-meter';
import { type LogMeter, logMeter } from './log-meter';

/** The system clock plus an offset the benchmark moves (together with the simulator's). */
export class BenchClock implements Clock {
  offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
}

export interface BenchRuntime extends Pick<LocalRuntime, 'services' | 'tables' | 'bridge' | 'dispatch' | 'work' | 'settleConnectWorkers' | 'stop'> {
  functions: Pick<LocalRuntime['functions'], 'syncWorker'>;
  clock: BenchClock;
  meter: DynamoMeter;
  logs: LogMeter;
  /** SQS calls the functions made, by `<function>:<operation>` (dispatch's SendMessageBatch). */
  sqsCalls: Record<string, number>;
  api(routeKey: string, input?: EventInput): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Dispatch's decisions without queueing anything (the jobs are returned instead of sent to SQS). */
  dispatchOnly(options?: Partial<DispatchOptions>): Promise<DispatchResult & { jobs: Array<SyncJob & { delaySeconds?: number }> }>;
  /** The same runtime whose workers run another sync strategy. */
  withSync(sync: Pick<Services['sync'], 'run'>): BenchRuntime;
}

export interface BenchRuntimeOptions {
  prefix: string;
  garminBaseUrl: string;
  bridgeProcesses: number;
  clock?: BenchClock;
}

/** Longer than any run: a job in flight is never delivered again because it took long. */
const VISIBILITY_TIMEOUT_SECONDS = 600;

export const startBenchRuntime = async (options: BenchRuntimeOptions): Promise<BenchRuntime> => {
  const meter = new DynamoMeter();
  const sqsCalls: Record<string, number> = {};
  const clock = options.clock ?? new BenchClock();
  const local = await startLocalRuntime({
    prefix: options.prefix,
    garminBaseUrl: options.garminBaseUrl,
    clock,
    bridgeProcesses: options.bridgeProcesses,
    bridgeLogger: logMeter.bridgeLogger,
    observeDynamo: (api) => meter.wrap(api),
    onSqsRequest: (fn, operation) => {
      const key = `${fn}:${operation}`;
      sqsCalls[key] = (sqsCalls[key] ?? 0) + 1;
    },
    syncVisibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
    // A batch failed whole: Lambda would retry it; the benchmark counts it.
    onWorkerError: (error) =>
      process.stderr.write(`[bench] sync-worker batch failed: ${error instanceof Error ? error.message : String(error)}\n`),
  });

  const withStrategy = (sync?: Pick<Services['sync'], 'run'>): BenchRuntime => ({
    services: local.services,
    functions: { syncWorker: local.functions.syncWorker },
    tables: local.tables,
    bridge: local.bridge,
    clock,
    meter,
    logs: logMeter,
    sqsCalls,
    api: async (routeKey, input = {}) => {
      const response = await local.http(httpEvent(routeKey, input));
      return { status: response.statusCode ?? 0, body: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {} };
    },
    dispatch: local.dispatch,
    work: (work: WorkOptions = {}) => local.work({ ...work, ...(sync ? { sync } : {}) }),
    dispatchOnly: async (dispatchOptions = {}) => {
      const jobs: Array<SyncJob & { delaySeconds?: number }> = [];
      const { deps } = local.functions.dispatch.services;
      const result = await dispatchDue(
        {
          schedules: deps.schedules,
          queue: { enqueue: async (queued) => void jobs.push(...queued) },
          clock: deps.clock,
          random: Math.random,
          newId: deps.newId,
          guard: deps.garminGuard,
        },
        dispatchOptions,
      );
      return { ...result, jobs };
    },
    settleConnectWorkers: local.settleConnectWorkers,
    withSync: (other) => withStrategy(other),
    stop: local.stop,
  });
  return withStrategy();
};
