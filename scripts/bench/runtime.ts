/**
 * The benchmark's runtime: the real handlers (connect, dispatch, sync-worker) and services
 * over DynamoDB Local and moto SQS, the real stdio Python bridge (a small pool of processes,
 * like several Lambda instances of the bridge), with meters on what reaches DynamoDB and the
 * bridge. Like scripts/local/runtime.ts, plus: metering, a movable clock, several queue
 * workers in parallel, dispatch options, and a swappable sync strategy (the naive baseline).
 * The functions run as deployed, with the same AWS rules (scripts/local/deployed-functions.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { createGarminBridge, type ClosableGarminBridge } from '../../functions/adapters/bridge/bridge-client';
import { createDocumentClient } from '../../functions/adapters/dynamo/client';
import type { TableKey } from '../../functions/adapters/dynamo/tables';
import { SqsSyncQueue } from '../../functions/adapters/queue/sqs-sync-queue';
import { createSecretsManagerVault } from '../../functions/adapters/vault';
import { initKeyringSecret } from '../../functions/adapters/vault/keyring-secret';
import { AWS_LIMITS } from '../../functions/core/aws-limits';
import type { BridgeRequest, BridgeResponse } from '../../functions/core/bridge-protocol';
import { ENV } from '../../functions/core/env';
import type { Clock, GarminBridge, SyncJob } from '../../functions/core/ports';
import type { Services } from '../../functions/core/services';
import { type DispatchOptions, type DispatchResult, dispatchDue } from '../../functions/core/services/dispatch-service';
import { composeServices, once } from '../../functions/handlers/commons/compose';
import { dispatcher } from '../../functions/handlers/dispatch';
import { syncWorker } from '../../functions/handlers/sync-worker';
import { httpEvent, type EventInput } from '../local/apigw-events';
import { awsRulesEnforced, discoverLocalResources, loadAwsRules } from '../local/aws-rules';
import { createTables, tableNamesFor } from '../local/create-tables';
import { type DeployedFunction, httpApiOf, startDeployedFunctions } from '../local/deployed-functions';
import { toSqsEvent } from '../local/runtime';
import { DynamoMeter } from './ddb-meter';

/** The system clock plus an offset the benchmark moves (together with the simulator's). */
export class BenchClock implements Clock {
  offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
}

export interface BridgeStats {
  calls: Record<string, number>;
  garminRequests: number;
  /** durationMs the bridge reported per fetch. */
  fetchDurationsMs: number[];
}

/** Several bridge processes behind one port, round robin: one Python process is one core at most. */
class BridgePool implements GarminBridge {
  private next = 0;
  readonly stats: BridgeStats = { calls: {}, garminRequests: 0, fetchDurationsMs: [] };

  constructor(private readonly bridges: ClosableGarminBridge[]) {}

  async call(request: BridgeRequest): Promise<BridgeResponse> {
    const bridge = this.bridges[this.next++ % this.bridges.length] as ClosableGarminBridge;
    const response = await bridge.call(request);
    this.stats.calls[request.op] = (this.stats.calls[request.op] ?? 0) + 1;
    this.stats.garminRequests += response.garminRequests;
    if (request.op === 'fetch') this.stats.fetchDurationsMs.push(response.durationMs);
    return response;
  }

  close = () => Promise.all(this.bridges.map((b) => b.close()));
}

const quietLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => process.stderr.write(`[bridge] ${message}\n`),
};

export interface WorkerRun {
  /** Messages handled (failed ones included). */
  processed: number;
  failed: number;
  /** Messages SQS (moto) delivered again while the first delivery was still in flight. */
  duplicates: number;
  elapsedMs: number;
  /** Wall time of each sync-worker invocation (one SQS batch of up to 10). */
  batchMs: number[];
  batchSizes: number[];
}

export interface BenchRuntime {
  /** Unrestricted: the benchmark's own setup and inspection. The handlers run as their functions. */
  services: Services;
  functions: Record<'syncWorker', DeployedFunction>;
  tables: Record<TableKey, string>;
  clock: BenchClock;
  meter: DynamoMeter;
  bridge: BridgePool;
  api(routeKey: string, input?: EventInput): Promise<{ status: number; body: Record<string, unknown> }>;
  dispatch(options?: Partial<DispatchOptions>): Promise<DispatchResult>;
  /** `workers` sync-worker instances receive in parallel until `target` jobs ran, or the queue stayed empty for idleMs. */
  work(options: { workers: number; target?: number | (() => number); idleMs?: number }): Promise<WorkerRun>;
  /** Dispatch's decisions without queueing anything (the jobs are returned instead of sent to SQS). */
  dispatchOnly(options?: Partial<DispatchOptions>): Promise<DispatchResult & { jobs: Array<SyncJob & { delaySeconds?: number }> }>;
  settleConnectWorkers(): Promise<void>;
  /** The same runtime with another sync strategy behind the real sync-worker handler. */
  withSync(sync: Pick<Services['sync'], 'run'>): BenchRuntime;
  stop(): Promise<void>;
}

export interface BenchRuntimeOptions {
  prefix: string;
  garminBaseUrl: string;
  bridgeProcesses: number;
  clock?: BenchClock;
}

const VISIBILITY_TIMEOUT_SECONDS = 600;

export const startBenchRuntime = async (options: BenchRuntimeOptions): Promise<BenchRuntime> => {
  const dynamo = new DynamoDBClient({});
  const meter = new DynamoMeter();
  meter.attach(dynamo);
  const tables = tableNamesFor(options.prefix);
  await createTables(new DynamoDBClient({}), tables);
  const sqs = new SQSClient({});
  const queueUrl = (
    await sqs.send(
      new CreateQueueCommand({ QueueName: `${options.prefix}-sync`, Attributes: { VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS) } }),
    )
  ).QueueUrl;
  if (!queueUrl) throw new Error('moto did not create the queue');
  const secretsManager = new SecretsManagerClient({});
  const keyringSecretId = `${options.prefix}-keyring`;
  await initKeyringSecret(secretsManager, keyringSecretId);
  const local = await discoverLocalResources({ prefix: options.prefix, tables, queueUrl, keyringSecretId, sqs, secretsManager });
  const rules = awsRulesEnforced() ? loadAwsRules(local) : undefined;
  const bridge = new BridgePool(
    Array.from({ length: options.bridgeProcesses }, () =>
      createGarminBridge({
        transport: 'stdio',
        env: { [ENV.attemptsTable]: tables.attempts, [ENV.garminBaseUrl]: options.garminBaseUrl },
        logger: quietLogger,
        ...(rules ? { payloadLimitBytes: AWS_LIMITS.lambdaSyncPayloadBytes } : {}),
      }),
    ),
  );
  const clock = options.clock ?? new BenchClock();
  const { functions, connectWorkers } = startDeployedFunctions({
    tables,
    queueUrl,
    keyringSecretId: local.secret.arn,
    bridge,
    clock,
    ...(rules ? { rules } : {}),
    onDynamoClient: (client) => meter.attach(client),
  });
  const services: Services = composeServices({
    doc: createDocumentClient(dynamo),
    tables,
    clock,
    vault: once(() => createSecretsManagerVault(keyringSecretId, secretsManager)),
    bridge: () => bridge,
    queue: once(() => new SqsSyncQueue(queueUrl, sqs)),
    connectWorker: () => functions.connect.services.deps.connectWorker,
  });
  const { http } = httpApiOf(functions);

  const build = (worker: DeployedFunction): BenchRuntime => {
    const runSyncWorker = syncWorker(() => worker.services);
    const work: BenchRuntime['work'] = async ({ workers: count, target = Number.POSITIVE_INFINITY, idleMs = 1500 }) => {
      const goal = typeof target === 'number' ? () => target : target;
      const run: WorkerRun = { processed: 0, failed: 0, duplicates: 0, elapsedMs: 0, batchMs: [], batchSizes: [] };
      const seen = new Set<string>();
      const started = performance.now();
      let lastActivity = performance.now();
      const loop = async (): Promise<void> => {
        // Duplicate deliveries (moto under concurrent receives) do not count towards the goal.
        while (run.processed - run.duplicates < goal() && performance.now() - lastActivity < idleMs) {
          const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, AttributeNames: ['All'] }),
          );
          if (Messages.length === 0) {
            await new Promise((resolve) => setTimeout(resolve, 25));
            continue;
          }
          lastActivity = performance.now();
          const event = toSqsEvent(Messages);
          for (const m of Messages) {
            if (seen.has(m.MessageId ?? '')) run.duplicates++;
            seen.add(m.MessageId ?? '');
          }
          const t0 = performance.now();
          let failed: Set<string>;
          try {
            const result = (await worker.invoke((context) => runSyncWorker(event, context))) as SQSBatchResponse;
            failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
          } catch (error) {
            // A batch whose every record failed: Lambda would retry it; the benchmark counts it.
            process.stderr.write(`[bench] sync-worker batch failed: ${error instanceof Error ? error.message : String(error)}\n`);
            failed = new Set(Messages.map((m) => m.MessageId ?? ''));
          }
          run.batchMs.push(performance.now() - t0);
          run.batchSizes.push(Messages.length);
          run.failed += failed.size;
          const done = Messages.filter((m) => !failed.has(m.MessageId ?? ''));
          if (done.length) {
            await sqs.send(
              new DeleteMessageBatchCommand({
                QueueUrl: queueUrl,
                Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
              }),
            );
          }
          run.processed += Messages.length;
          lastActivity = performance.now();
        }
      };
      await Promise.all(Array.from({ length: count }, loop));
      run.elapsedMs = performance.now() - started;
      return run;
    };
    return {
      services,
      functions: { syncWorker: worker },
      tables,
      clock,
      meter,
      bridge,
      api: async (routeKey, input = {}) => {
        const response = await http(httpEvent(routeKey, input));
        return { status: response.statusCode ?? 0, body: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {} };
      },
      dispatch: async (dispatchOptions = {}) =>
        (await functions.dispatch.invoke((context) => dispatcher(() => functions.dispatch.services, dispatchOptions)({}, context))) as DispatchResult,
      work,
      settleConnectWorkers: () => connectWorkers.settle(),
      dispatchOnly: async (dispatchOptions = {}) => {
        const jobs: Array<SyncJob & { delaySeconds?: number }> = [];
        const { deps } = functions.dispatch.services;
        const result = await dispatchDue(
          {
            connections: deps.connections,
            queue: { enqueue: async (queued) => void jobs.push(...queued) },
            clock: deps.clock,
            random: Math.random,
            guard: deps.rateLimiter.global,
          },
          dispatchOptions,
        );
        return { ...result, jobs };
      },
      withSync: (sync) => build({ ...worker, services: { ...worker.services, sync: sync as Services['sync'] } }),
      stop: async () => {
        await connectWorkers.settle();
        await bridge.close();
      },
    };
  };
  return build(functions.syncWorker);
};

/** Queue depth as moto reports it (visible + in flight + delayed). */
export const queueDepth = async (sqs: SQSClient, queueUrl: string): Promise<number> => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return Object.values(Attributes).reduce((sum, v) => sum + Number(v), 0);
};
