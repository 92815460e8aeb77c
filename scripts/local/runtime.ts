/**
 * The system on one machine: the real Lambda handlers over DynamoDB Local and moto
 * (endpoints from the standard AWS environment variables), the real Python bridge as a
 * stdio child process, the connect worker invoked asynchronously in-process like a
 * Lambda Event invoke, and the sync queue on moto SQS (with its DLQ) feeding the
 * sync-worker handler with partial batch failures. Used by the integration tests, the
 * demo server and the benchmark.
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
import { ENV } from '../../functions/core/env';
import type { Clock, ConnectJob } from '../../functions/core/ports';
import type { Services } from '../../functions/core/services';
import { composeServices, once } from '../../functions/handlers/commons/compose';
import { connectRoutes } from '../../functions/handlers/connect';
import { connectWorker } from '../../functions/handlers/connect-worker';
import { dispatcher } from '../../functions/handlers/dispatch';
import { readRoutes } from '../../functions/handlers/read';
import { syncRoutes } from '../../functions/handlers/sync';
import { syncWorker } from '../../functions/handlers/sync-worker';
import { type Route, httpHandler } from '../../functions/handlers/commons/http';
import { lambdaContext } from './apigw-events';
import { createTables, tableNamesFor } from './create-tables';

export interface LocalRuntimeOptions {
  /** Prefix of every table, queue and secret, so several runtimes can share emulators. */
  prefix: string;
  /** The Garmin simulator; absent means the real Garmin (npm run dev). */
  garminBaseUrl?: string;
  /** Receive count after which a sync job goes to the DLQ. */
  maxReceiveCount?: number;
  clock?: Clock;
}

export interface LocalRuntime {
  services: Services;
  tables: Record<TableKey, string>;
  queueUrl: string;
  dlqUrl: string;
  /** Route key → handler, as API Gateway would route. */
  routes: Record<string, Route>;
  http: ReturnType<typeof httpHandler>;
  dispatch: () => Promise<{ claimed: number; lostClaims: number }>;
  /** Receives and processes visible sync jobs until none is left; returns how many ran. */
  drainQueue(): Promise<number>;
  /** Waits for the asynchronously invoked connect workers started so far. */
  settleConnectWorkers(): Promise<void>;
  stop(): Promise<void>;
}

const VISIBILITY_TIMEOUT_SECONDS = 30;

/** The connect worker invoked like a Lambda Event invoke: accepted now, run in the background. */
export class BackgroundConnectInvoker {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly run: (job: ConnectJob) => Promise<unknown>) {}

  readonly start = async (job: ConnectJob): Promise<void> => {
    const run = this.run(job).catch(() => undefined);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  };

  /** Waits for every worker started so far, including ones started while waiting. */
  async settle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}

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

const ensureQueues = async (sqs: SQSClient, prefix: string, maxReceiveCount: number) => {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-sync-dlq` }));
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-sync`,
      Attributes: {
        VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS),
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
  const { queueUrl, dlqUrl } = await ensureQueues(sqs, options.prefix, options.maxReceiveCount ?? 3);
  const secretsManager = new SecretsManagerClient({});
  const keyringSecretId = `${options.prefix}-keyring`;
  await initKeyringSecret(secretsManager, keyringSecretId);

  const bridge: ClosableGarminBridge = createGarminBridge({
    transport: 'stdio',
    env: {
      [ENV.attemptsTable]: tables.attempts,
      ...(options.garminBaseUrl ? { [ENV.garminBaseUrl]: options.garminBaseUrl } : {}),
    },
  });
  const connectWorkers = new BackgroundConnectInvoker((job) => runConnectWorker(job, lambdaContext('connect-worker')));
  const services: Services = composeServices({
    doc: createDocumentClient(),
    tables,
    ...(options.clock ? { clock: options.clock } : {}),
    vault: once(() => createSecretsManagerVault(keyringSecretId, secretsManager)),
    bridge: () => bridge,
    queue: once(() => new SqsSyncQueue(queueUrl, sqs)),
    connectWorker: () => connectWorkers,
  });
  const handlerServices = () => services;
  const runConnectWorker = connectWorker(handlerServices);
  const runSyncWorker = syncWorker(handlerServices);
  const runDispatch = dispatcher(handlerServices);
  const routes = { ...connectRoutes(handlerServices), ...readRoutes(handlerServices), ...syncRoutes(handlerServices) };

  const drainQueue = async (): Promise<number> => {
    let processed = 0;
    for (;;) {
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, AttributeNames: ['All'] }),
      );
      const messages = received.Messages ?? [];
      if (messages.length === 0) return processed;
      const event = toSqsEvent(messages);
      const result = (await runSyncWorker(event, lambdaContext('sync-worker'))) as SQSBatchResponse;
      const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
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
    tables,
    queueUrl,
    dlqUrl,
    routes,
    http: httpHandler(routes),
    dispatch: async () => (await runDispatch({}, lambdaContext('dispatch'))) as { claimed: number; lostClaims: number },
    drainQueue,
    settleConnectWorkers: () => connectWorkers.settle(),
    stop: async () => {
      await connectWorkers.settle();
      await bridge.close();
    },
  };
};
