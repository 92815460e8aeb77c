/**
 * The system on one machine: the real Lambda handlers over DynamoDB Local and moto
 * (endpoints from the standard AWS environment variables), the real Python bridge as a
 * stdio child process, the connect worker invoked asynchronously in-process like a
 * Lambda Event invoke, and the sync queue on moto SQS (with its DLQ) feeding the
 * sync-worker handler with partial batch failures. Used by the integration tests, the
 * demo server and the benchmark.
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
import { type ClosableGarminBridge, createGarminBridge } from '../../functions/adapters/bridge/bridge-client';
import { createDocumentClient } from '../../functions/adapters/dynamo/client';
import type { TableKey } from '../../functions/adapters/dynamo/tables';
import { SqsSyncQueue } from '../../functions/adapters/queue/sqs-sync-queue';
import { createSecretsManagerVault } from '../../functions/adapters/vault';
import { initKeyringSecret } from '../../functions/adapters/vault/keyring-secret';
import { AWS_LIMITS } from '../../functions/core/aws-limits';
import { ENV } from '../../functions/core/env';
import type { Clock } from '../../functions/core/ports';
import type { Services } from '../../functions/core/services';
import type { ApiRequestLimits } from '../../functions/core/services/request-throttle';
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
  /** Test seam: DynamoDB throttling and per-function clock skew (scripts/local/fault-injection.ts), as `faults`. */
  injectFaults?: boolean;
  /** Test seam: how long a failed sync job stays invisible (default 30 s); 0 redelivers it on the next drain. */
  syncVisibilityTimeoutSeconds?: number;
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
  dispatch: () => Promise<{ claimed: number; lostClaims: number }>;
  /** Receives and processes visible sync jobs until none is left; returns how many ran. */
  drainQueue(): Promise<number>;
  /** Waits for the asynchronously invoked connect workers started so far. */
  settleConnectWorkers(): Promise<void>;
  /** Present when a webhook endpoint is configured. */
  webhooks?: LocalWebhooks;
  /** Present with `injectFaults`. */
  faults?: FaultInjector;
  stop(): Promise<void>;
}

const VISIBILITY_TIMEOUT_SECONDS = 30;

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

export const startLocalRuntime = async (options: LocalRuntimeOptions): Promise<LocalRuntime> => {
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
  const rules = awsRulesEnforced(options.enforceAwsRules) ? loadAwsRules(local, options.awsRules) : undefined;

  const bridge: ClosableGarminBridge = createGarminBridge({
    transport: 'stdio',
    env: {
      [ENV.attemptsTable]: tables.attempts,
      ...(options.garminBaseUrl ? { [ENV.garminBaseUrl]: options.garminBaseUrl } : {}),
    },
    // What a synchronous Invoke of the bridge function may carry each way.
    ...(rules ? { payloadLimitBytes: AWS_LIMITS.lambdaSyncPayloadBytes } : {}),
  });
  const faults = options.injectFaults ? new FaultInjector(tables) : undefined;
  const { functions, connectWorkers } = startDeployedFunctions({
    tables,
    queueUrl,
    ...(options.webhookUrl ? { webhookQueueUrl: webhookQueues.queueUrl } : {}),
    keyringSecretId: local.secret.arn,
    bridge,
    ...(faults
      ? { clock: faults.clock(options.clock ?? { now: () => new Date() }), onDynamoClient: (client: DynamoDBClient) => faults.instrument(client) }
      : options.clock
        ? { clock: options.clock }
        : {}),
    ...(rules ? { rules } : {}),
    ...(options.timeoutsMs ? { timeoutsMs: options.timeoutsMs } : {}),
    ...(options.apiRequestLimits ? { apiRequestLimits: options.apiRequestLimits } : {}),
  });
  faults?.attach(functions);
  const services: Services = composeServices({
    doc: createDocumentClient(),
    tables,
    ...(options.clock ? { clock: options.clock } : {}),
    vault: once(() => createSecretsManagerVault(keyringSecretId, secretsManager)),
    bridge: () => bridge,
    queue: once(() => new SqsSyncQueue(queueUrl, sqs)),
    connectWorker: () => functions.connect.services.deps.connectWorker,
  });

  const api = httpApiOf(functions);
  const runSyncWorker = syncWorker(() => functions.syncWorker.services);
  const runDispatch = dispatcher(() => functions.dispatch.services);
  const pump = options.webhookUrl
    ? new WebhookPump({
        fn: functions.deliverEvents,
        sqs,
        queues: webhookQueues,
        endpoint: options.webhookUrl,
        secretId: local.webhookSecret.arn,
        clock: options.clock ?? { now: () => new Date() },
        ...(options.webhookBackoffSeconds ? { backoffSeconds: options.webhookBackoffSeconds } : {}),
      })
    : undefined;

  const drainQueue = async (): Promise<number> => {
    let processed = 0;
    for (;;) {
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, AttributeNames: ['All'] }),
      );
      const messages = received.Messages ?? [];
      if (messages.length === 0) return processed;
      const event = toSqsEvent(messages);
      let failed: Set<string>;
      try {
        const result = (await functions.syncWorker.invoke((context) => runSyncWorker(event, context))) as SQSBatchResponse;
        failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
      } catch {
        // A failed invocation (an error, a timeout) fails the whole batch, as the event source mapping treats it.
        failed = new Set(messages.map((m) => m.MessageId ?? ''));
      }
      const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
      if (done.length) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
          }),
        );
      }
      processed += done.length;
      // Failed messages stay invisible until their visibility timeout, as on AWS.
      if (done.length === 0) return processed;
    }
  };

  return {
    services,
    functions,
    ...(rules ? { awsRules: rules } : {}),
    tables,
    queueUrl,
    dlqUrl,
    http: api.http,
    dispatch: async () =>
      (await functions.dispatch.invoke((context) => runDispatch({}, context))) as { claimed: number; lostClaims: number },
    drainQueue,
    settleConnectWorkers: () => connectWorkers.settle(),
    ...(faults ? { faults } : {}),
    ...(pump
      ? {
          webhooks: {
            queues: webhookQueues,
            secretId: webhookSecretId,
            secret: `whsec_${webhookSecret}`,
            deliver: (opts?: { dueNow?: boolean }) => pump.deliver(opts),
          },
        }
      : {}),
    stop: async () => {
      await connectWorkers.settle();
      await bridge.close();
    },
  };
};
