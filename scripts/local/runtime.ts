/**
 * The system on one machine: the real Lambda handlers over DynamoDB Local and moto
 * (endpoints from the standard AWS environment variables), the real Python bridge as a
 * stdio child process, the connect worker invoked asynchronously in-process like a
 * Lambda Event invoke, and the sync queue on moto SQS (with its DLQ) feeding the
 * sync-worker handler with partial batch failures. Used by the integration tests, the
 * demo server and the benchmark (which adds a movable clock, a bridge pool, a metering
 * DynamoDB client, parallel queue workers and another sync strategy: the options below).
 *
 * Each function runs as deployed (scripts/local/deployed-functions.ts): its own clients,
 * its own IAM policy as the stack synthesizes it, Lambda's payload quotas and its own
 * timeout (scripts/local/aws-rules). `services` alone is unrestricted: test setup only.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type ClosableGarminBridge, stdioGarminBridge } from '../../functions/adapters/bridge/bridge-client';
import type { StdioTransportOptions } from '../../functions/adapters/bridge/stdio-transport';
import { type DynamoDbApi, dynamoDbApi } from '../../functions/adapters/aws/dynamodb-api';
import { createDocumentClient } from '../../functions/adapters/dynamo/client';
import type { TableKey } from '../../functions/adapters/dynamo/tables';
import { SqsSyncQueue } from '../../functions/adapters/queue/sqs-sync-queue';
import { createSecretsManagerVault } from '../../functions/adapters/vault';
import { initKeyringSecret } from '../../functions/adapters/vault/keyring-secret';
import { AWS_LIMITS } from '../../functions/core/shared/aws-limits';
import type { BatchRequest, BatchResponse, BridgeRequest, BridgeResponse } from '../../functions/core/shared/bridge-protocol';
import { ENV } from '../../functions/core/shared/env';
import type { Clock } from '../../functions/core/shared/ports';
import type { BatchCapableBridge } from '../../functions/adapters/bridge/batching-bridge';
import type { Services } from '../../functions/core/services';
import type { DispatchOptions, DispatchResult } from '../../functions/core/sync/dispatch-service';
import type { ApiRequestLimits } from '../../functions/core/shared/request-throttle';
import { composeServices, once } from '../../functions/handlers/commons/compose';
import type { HttpEvent, HttpResponse } from '../../functions/handlers/commons/http';
import { dispatcher } from '../../functions/handlers/dispatch';
import { syncWorker } from '../../functions/handlers/sync-worker';
import { type AwsRules, type AwsRulesOptions, awsRulesEnforced, discoverLocalResources, loadAwsRules } from './aws-rules';
import type { FunctionName } from './aws-rules/stack-policies';
import { createTables, tableNamesFor } from './create-tables';
import { type DeployedFunction, httpApiOf, startDeployedFunctions } from './deployed-functions';
import { FaultInjector } from './fault-injection';
import { type LocalWebhookQueues, WebhookPump, ensureSigningSecret, ensureWebhookQueues, newWebhookSecret } from './webhooks';

export interface LocalRuntimeOptions {
  /** Prefix of every table, queue and secret, so several runtimes can share emulators. */
  prefix: string;
  /** The Garmin simulator; absent means the real Garmin (npm run dev). */
  garminBaseUrl?: string;
  /** Receive count after which a sync job goes to the DLQ. */
  maxReceiveCount?: number;
  clock?: Clock;
  /**
   * IAM, Lambda's payload quotas and the functions' timeouts, as AWS enforces them. On unless
   * this is false or LOCAL_AWS_RULES=off: switching it off exists only to show that the
   * tests depend on it.
   */
  enforceAwsRules?: boolean;
  /** Test seams of the AWS rules (an older grant replayed, ...). */
  awsRules?: Pick<AwsRulesOptions, 'adjustPolicies' | 'onDenied'>;
  /** Test seam: function timeouts shorter than infra/sizing.ts. */
  timeoutsMs?: Partial<Record<FunctionName, number>>;
  /** The per-user API throttle's limits, for a load generator (Schemathesis); LIMITS.apiRequestsPerWindow otherwise. */
  apiRequestLimits?: ApiRequestLimits;
  /** How many days back a new connection's backfill reaches, for a test of a long backfill; LIMITS.backfillDays otherwise. */
  backfillDays?: number;
  /** Test seam: DynamoDB throttling and per-function clock skew (scripts/local/fault-injection.ts), as `faults`. */
  injectFaults?: boolean;
  /** How long a received sync job stays invisible (default 30 s); tests: 0 redelivers a failed one on the next drain. */
  syncVisibilityTimeoutSeconds?: number;
  /** Bridge processes behind the one port, round robin (default 1): one Python process is one core at most. */
  bridgeProcesses?: number;
  /** Where the bridge's own log lines go (default: the transport's). */
  bridgeLogger?: StdioTransportOptions['logger'];
  /** Wraps every DynamoDB API the runtime creates, the unrestricted one's and each function's (a meter). */
  observeDynamo?: (api: DynamoDbApi) => DynamoDbApi;
  /** Told of every SQS call a deployed function makes (dispatch's sends, a write's redrive), for a meter. */
  onSqsRequest?: (fn: FunctionName, operation: string) => void;
  /** Told about a sync-worker invocation that failed as a whole (its batch is then failed, as Lambda does). */
  onWorkerError?: (error: unknown) => void;
  /** The app's webhook endpoint (http://127.0.0.1 allowed here); without it events go to the change feed only. */
  webhookUrl?: string;
  /** The signing secret (`whsec_…` or base64); generated when absent. */
  webhookSecret?: string;
  /** Seconds between delivery attempts after n receives (default: as deployed; tests: 0 and `deliverWebhooks({ dueNow })`). */
  webhookBackoffSeconds?: (receiveCount: number) => number;
}

/** Webhook delivery as deployed: the queues, the signing secret, and one delivery round at a time. */
export interface LocalWebhooks {
  queues: LocalWebhookQueues;
  secretId: string;
  /** `whsec_<current>`: what a receiver verifies with. */
  secret: string;
  /** One round of the deliver-events function over the queue (see scripts/local/webhooks.ts); how many left the queue. */
  deliver(options?: { dueNow?: boolean }): Promise<number>;
}

export interface LocalRuntime {
  /** Unrestricted (no IAM, no limits): for test setup and inspection only. Handlers never use it. */
  services: Services;
  /** Each function as deployed: its services run with its own identity. */
  functions: Record<FunctionName, DeployedFunction>;
  /** The enforced AWS rules (absent when switched off). */
  awsRules?: AwsRules;
  tables: Record<TableKey, string>;
  queueUrl: string;
  dlqUrl: string;
  /** One API request, run by the function that serves its route (the Lambda context is the runtime's). */
  http(event: HttpEvent): Promise<HttpResponse>;
  /** The bridge port the functions share, with what went through it. */
  bridge: BridgePool;
  dispatch(options?: Partial<DispatchOptions>): Promise<DispatchResult>;
  /** Receives and processes visible sync jobs until none is left (or a batch failed whole); returns how many succeeded. */
  drainQueue(): Promise<number>;
  /** The one receive loop: `workers` sync-worker instances receive in parallel (see WorkOptions). */
  work(options?: WorkOptions): Promise<WorkerRun>;
  /** Waits for the asynchronously invoked connect workers started so far. */
  settleConnectWorkers(): Promise<void>;
  /** Present when a webhook endpoint is configured. */
  webhooks?: LocalWebhooks;
  /** Present with `injectFaults`. */
  faults?: FaultInjector;
  stop(): Promise<void>;
}

export interface WorkOptions {
  /** Parallel sync-worker instances (default 1). */
  workers?: number;
  /** Stop once this many distinct jobs ran (default: no goal). */
  target?: number | (() => number);
  /** Stop after the queue stayed empty this long (default 0: at the first empty receive). */
  idleMs?: number;
  /** Stop a worker whose whole batch failed: with a short visibility timeout it would be received again at once. */
  stopOnFailedBatch?: boolean;
  /** Another sync strategy behind the real sync-worker handler (the benchmark's naive baseline). */
  sync?: Pick<Services['sync'], 'run'>;
}

export interface WorkerRun {
  /** Messages handled (failed ones included). */
  processed: number;
  failed: number;
  /** Messages SQS (moto) delivered again after an earlier delivery (concurrent receives, a failed job's redelivery). */
  duplicates: number;
  elapsedMs: number;
  /**
   * The event source mapping's SQS requests: ReceiveMessage calls that returned messages, those
   * that returned none (idle polls: on AWS a fixed cost of the mapping's long polls, not per sync)
   * and DeleteMessageBatch calls.
   */
  receives: number;
  emptyReceives: number;
  deleteBatches: number;
  /** Wall time of each sync-worker invocation (one SQS batch of up to 10). */
  batchMs: number[];
  batchSizes: number[];
}

export interface BridgeStats {
  /** Calls by op; a batch's fetches count as fetches. */
  calls: Record<string, number>;
  /** Bridge invocations (a batch is one). */
  invocations: number;
  /** Fetches per invocation that carried fetches (1 for a fetch sent alone). */
  fetchesPerInvocation: number[];
  garminRequests: number;
  /** durationMs the bridge reported per fetch. */
  fetchDurationsMs: number[];
}

/** Several bridge processes behind one port (like instances of the bridge function), round robin, counting what goes through. */
export class BridgePool implements BatchCapableBridge {
  private next = 0;
  readonly stats: BridgeStats = { calls: {}, invocations: 0, fetchesPerInvocation: [], garminRequests: 0, fetchDurationsMs: [] };

  constructor(private readonly bridges: ClosableGarminBridge[]) {}

  private pick(): ClosableGarminBridge {
    this.stats.invocations++;
    return this.bridges[this.next++ % this.bridges.length] as ClosableGarminBridge;
  }

  async call(request: BridgeRequest): Promise<BridgeResponse> {
    // Counted when sent: an invocation that fails was made all the same.
    if (request.op === 'fetch') this.stats.fetchesPerInvocation.push(1);
    const response = await this.pick().call(request);
    this.count(request.op, response);
    return response;
  }

  async callBatch(request: BatchRequest): Promise<BatchResponse> {
    this.stats.fetchesPerInvocation.push(request.calls.length);
    const answer = await this.pick().callBatch(request);
    if (answer.ok) for (const response of answer.responses) this.count('fetch', response);
    return answer;
  }

  private count(op: BridgeRequest['op'], response: BridgeResponse): void {
    this.stats.calls[op] = (this.stats.calls[op] ?? 0) + 1;
    this.stats.garminRequests += response.garminRequests;
    if (op === 'fetch') this.stats.fetchDurationsMs.push(response.durationMs);
  }

  close = () => Promise.all(this.bridges.map((b) => b.close()));
}

const VISIBILITY_TIMEOUT_SECONDS = 30;
const EMPTY_QUEUE_PAUSE_MS = 25;

/** Received messages as the SQS event source mapping hands them to a function. */
export const toSqsEvent = (messages: Message[]): SQSEvent => ({
  Records: messages.map((m) => ({
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: m.Attributes as SQSEvent['Records'][number]['attributes'],
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local',
    awsRegion: process.env.AWS_REGION ?? 'eu-west-1',
  })),
});

const ensureQueues = async (sqs: SQSClient, prefix: string, maxReceiveCount: number, visibilityTimeoutSeconds: number) => {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-sync-dlq` }));
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-sync`,
      Attributes: {
        VisibilityTimeout: String(visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
      },
    }),
  );
  if (!queue.QueueUrl || !dlq.QueueUrl) throw new Error('moto did not create the sync queues');
  return { queueUrl: queue.QueueUrl, dlqUrl: dlq.QueueUrl };
};

/** The one receive loop (the tests' drain, the demo's poller, the benchmark's workers), as the SQS event source mapping feeds the sync worker. */
const receiveLoop =
  (sqs: SQSClient, queueUrl: string, worker: DeployedFunction, onWorkerError?: (error: unknown) => void) =>
  async ({ workers = 1, target = Number.POSITIVE_INFINITY, idleMs = 0, stopOnFailedBatch = false, sync }: WorkOptions = {}): Promise<WorkerRun> => {
    const runSyncWorker = syncWorker(() => (sync ? { ...worker.services, sync: sync as Services['sync'] } : worker.services));
    const goal = typeof target === 'number' ? () => target : target;
    const run: WorkerRun = { processed: 0, failed: 0, duplicates: 0, elapsedMs: 0, receives: 0, emptyReceives: 0, deleteBatches: 0, batchMs: [], batchSizes: [] };
    const seen = new Set<string>();
    const started = performance.now();
    let lastActivity = performance.now();
    const loop = async (): Promise<void> => {
      // A message delivered again does not count towards the goal.
      while (run.processed - run.duplicates < goal()) {
        const { Messages: messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, AttributeNames: ['All'] }),
        );
        if (messages.length === 0) {
          run.emptyReceives++;
          if (performance.now() - lastActivity >= idleMs) return;
          await new Promise((resolve) => setTimeout(resolve, EMPTY_QUEUE_PAUSE_MS));
          continue;
        }
        run.receives++;
        lastActivity = performance.now();
        for (const m of messages) {
          if (seen.has(m.MessageId ?? '')) run.duplicates++;
          seen.add(m.MessageId ?? '');
        }
        const event = toSqsEvent(messages);
        const t0 = performance.now();
        let failed: Set<string>;
        try {
          const result = (await worker.invoke((context) => runSyncWorker(event, context))) as SQSBatchResponse;
          failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
        } catch (error) {
          // A failed invocation (an error, a timeout) fails the whole batch, as the event source mapping treats it.
          onWorkerError?.(error);
          failed = new Set(messages.map((m) => m.MessageId ?? ''));
        }
        run.batchMs.push(performance.now() - t0);
        run.batchSizes.push(messages.length);
        run.failed += failed.size;
        const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
        if (done.length) {
          run.deleteBatches++;
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
            }),
          );
        }
        run.processed += messages.length;
        lastActivity = performance.now();
        // Failed messages stay invisible until their visibility timeout, as on AWS.
        if (stopOnFailedBatch && done.length === 0) return;
      }
    };
    await Promise.all(Array.from({ length: workers }, loop));
    run.elapsedMs = performance.now() - started;
    return run;
  };

/** The runtime's AWS resources on the emulators: tables, sync queues, keyring, webhook queues and secret. */
const provision = async (options: LocalRuntimeOptions) => {
  const tables = tableNamesFor(options.prefix);
  await createTables(new DynamoDBClient({}), tables);
  const sqs = new SQSClient({});
  const { queueUrl, dlqUrl } = await ensureQueues(
    sqs,
    options.prefix,
    options.maxReceiveCount ?? 3,
    options.syncVisibilityTimeoutSeconds ?? VISIBILITY_TIMEOUT_SECONDS,
  );
  const secretsManager = new SecretsManagerClient({});
  const keyringSecretId = `${options.prefix}-keyring`;
  await initKeyringSecret(secretsManager, keyringSecretId);
  const webhookQueues = await ensureWebhookQueues(sqs, options.prefix);
  const webhookSecretId = `${options.prefix}-webhook-secret`;
  const webhookSecret = (options.webhookSecret ?? newWebhookSecret()).replace(/^whsec_/, '');
  await ensureSigningSecret(secretsManager, webhookSecretId, webhookSecret);
  const local = await discoverLocalResources({
    prefix: options.prefix,
    tables,
    queueUrl,
    dlqUrl,
    keyringSecretId,
    webhooks: { ...webhookQueues, secretId: webhookSecretId },
    sqs,
    secretsManager,
  });
  return { tables, sqs, queueUrl, dlqUrl, secretsManager, keyringSecretId, webhookQueues, webhookSecretId, webhookSecret, local };
};

type Resources = Awaited<ReturnType<typeof provision>>;

/** The unrestricted services (no IAM, no limits) for test setup and inspection, over the same resources. */
const inspectionServices = (options: LocalRuntimeOptions, resources: Resources, bridge: BridgePool, functions: Record<FunctionName, DeployedFunction>): Services => {
  const { tables, queueUrl, keyringSecretId } = resources;
  const dynamo = dynamoDbApi();
  return composeServices({
    doc: createDocumentClient(options.observeDynamo?.(dynamo) ?? dynamo),
    tables,
    ...(options.clock ? { clock: options.clock } : {}),
    vault: once(() => createSecretsManagerVault(keyringSecretId)),
    bridge: () => bridge,
    queue: once(() => new SqsSyncQueue(queueUrl)),
    connectWorker: () => functions.connect.services.deps.connectWorker,
    ...(options.backfillDays !== undefined ? { backfillDays: options.backfillDays } : {}),
  });
};

/** Webhook delivery as deployed, when an endpoint is configured: the deliver-events function fed by its queue. */
const localWebhooks = (options: LocalRuntimeOptions, resources: Resources, functions: Record<FunctionName, DeployedFunction>): LocalWebhooks | undefined => {
  if (!options.webhookUrl) return undefined;
  const { sqs, webhookQueues, webhookSecretId, webhookSecret, local } = resources;
  const pump = new WebhookPump({
    fn: functions.deliverEvents,
    sqs,
    queues: webhookQueues,
    endpoint: options.webhookUrl,
    secretId: local.webhookSecret.arn,
    clock: options.clock ?? { now: () => new Date() },
    ...(options.webhookBackoffSeconds ? { backoffSeconds: options.webhookBackoffSeconds } : {}),
  });
  return {
    queues: webhookQueues,
    secretId: webhookSecretId,
    secret: `whsec_${webhookSecret}`,
    deliver: (opts?: { dueNow?: boolean }) => pump.deliver(opts),
  };
};

/** Each function as deployed (its own clients and identity), with the faults injected when asked. */
const deployFunctions = (options: LocalRuntimeOptions, resources: Resources, bridge: BridgePool, rules: AwsRules | undefined, faults: FaultInjector | undefined) => {
  const { tables, queueUrl, webhookQueues, local } = resources;
  const deployed = startDeployedFunctions({
    tables,
    queueUrl,
    ...(options.webhookUrl ? { webhookQueueUrl: webhookQueues.queueUrl } : {}),
    keyringSecretId: local.secret.arn,
    bridge,
    ...(faults ? { clock: faults.clock(options.clock ?? { now: () => new Date() }) } : options.clock ? { clock: options.clock } : {}),
    ...(faults ? { dynamoFaults: faults.dynamoAttempt } : {}),
    ...(options.observeDynamo ? { observeDynamo: options.observeDynamo } : {}),
    ...(rules ? { rules } : {}),
    ...(options.timeoutsMs ? { timeoutsMs: options.timeoutsMs } : {}),
    ...(options.apiRequestLimits ? { apiRequestLimits: options.apiRequestLimits } : {}),
    ...(options.backfillDays !== undefined ? { backfillDays: options.backfillDays } : {}),
    ...(options.onSqsRequest ? { onSqsRequest: options.onSqsRequest } : {}),
  });
  faults?.attach(deployed.functions);
  return deployed;
};

export const startLocalRuntime = async (options: LocalRuntimeOptions): Promise<LocalRuntime> => {
  const resources = await provision(options);
  const { tables, sqs, queueUrl, dlqUrl, local } = resources;
  const faults = options.injectFaults ? new FaultInjector(tables) : undefined;
  const rules = awsRulesEnforced(options.enforceAwsRules) ? loadAwsRules(local, options.awsRules) : undefined;

  const bridge = new BridgePool(
    Array.from({ length: options.bridgeProcesses ?? 1 }, () =>
      stdioGarminBridge({
        env: {
          [ENV.attemptsTable]: tables.attempts,
          ...(options.garminBaseUrl ? { [ENV.garminBaseUrl]: options.garminBaseUrl } : {}),
        },
        ...(options.bridgeLogger ? { logger: options.bridgeLogger } : {}),
        // What a synchronous Invoke of the bridge function may carry each way.
        ...(rules ? { payloadLimitBytes: AWS_LIMITS.lambdaSyncPayloadBytes } : {}),
      }),
    ),
  );
  const { functions, connectWorkers } = deployFunctions(options, resources, bridge, rules, faults);
  const webhooks = localWebhooks(options, resources, functions);
  const work = receiveLoop(sqs, queueUrl, functions.syncWorker, options.onWorkerError);

  return {
    services: inspectionServices(options, resources, bridge, functions),
    functions,
    ...(rules ? { awsRules: rules } : {}),
    tables,
    queueUrl,
    dlqUrl,
    http: httpApiOf(functions).http,
    bridge,
    dispatch: async (dispatchOptions = {}) =>
      (await functions.dispatch.invoke((context) => dispatcher(() => functions.dispatch.services, dispatchOptions)({}, context))) as DispatchResult,
    drainQueue: async () => {
      const run = await work({ stopOnFailedBatch: true });
      return run.processed - run.failed;
    },
    work,
    settleConnectWorkers: () => connectWorkers.settle(),
    ...(faults ? { faults } : {}),
    ...(webhooks ? { webhooks } : {}),
    stop: async () => {
      await connectWorkers.settle();
      await bridge.close();
    },
  };
};
