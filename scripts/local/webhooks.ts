/**
 * Webhook delivery in the local runtime: the delivery queue and its dead-letter queue on
 * moto, the signing secret, and the pump that plays the SQS event source mapping for the
 * deliver-events handler (run as that function: its identity, its timeout).
 *
 * Backoff is real SQS visibility, as deployed. Tests that simulate days cannot wait for it:
 * `deliver({ dueNow: true })` first makes every message a previous round left in backoff
 * visible again (its backoff has passed on the simulated clock), then attempts each once.
 */
import { randomBytes } from 'node:crypto';
import { CreateSecretCommand, PutSecretValueCommand, ResourceExistsException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { WEBHOOK_RETRY } from '../../functions/adapters/webhooks/delivery';
import { SigningSecretsSource, type SigningSecretsDocument } from '../../functions/adapters/webhooks/signing-secrets';
import type { Clock } from '../../functions/core/shared/ports';
import { eventDelivery } from '../../functions/handlers/deliver-events';
import { TIMEOUT_SECONDS } from '../../infra/sizing';
import type { DeployedFunction } from './deployed-functions';
import { toSqsEvent } from './runtime';

export interface LocalWebhookQueues {
  queueUrl: string;
  dlqUrl: string;
}

export const ensureWebhookQueues = async (sqs: SQSClient, prefix: string): Promise<LocalWebhookQueues> => {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-webhooks-dlq` }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-webhooks`,
      Attributes: {
        VisibilityTimeout: String(6 * TIMEOUT_SECONDS.deliverEvents),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: WEBHOOK_RETRY.maxReceiveCount }),
      },
    }),
  );
  if (!queue.QueueUrl || !dlq.QueueUrl) throw new Error('moto did not create the webhook queues');
  return { queueUrl: queue.QueueUrl, dlqUrl: dlq.QueueUrl };
};

/** A Standard Webhooks secret (base64, 32 bytes); `whsec_` + it is what a receiver verifies with. */
export const newWebhookSecret = (): string => randomBytes(32).toString('base64');

/** The signing secret as the stack's secret holds it; `current` given (DEMO_WEBHOOK_SECRET) or generated. */
export const ensureSigningSecret = async (secretsManager: SecretsManagerClient, secretId: string, current: string): Promise<void> => {
  const document: SigningSecretsDocument = { current: current.replace(/^whsec_/, '') };
  try {
    await secretsManager.send(new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify(document) }));
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
    await secretsManager.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(document) }));
  }
};

export interface WebhookPumpOptions {
  /** The deliver-events function: the handler runs as it. */
  fn: DeployedFunction;
  /** The event source mapping's own client (it receives and deletes, the handler does not). */
  sqs: SQSClient;
  queues: LocalWebhookQueues;
  endpoint: string;
  secretId: string;
  clock: Clock;
  /** Tests: 0 (they drive retries with `dueNow`); the demo: as deployed. */
  backoffSeconds?: (receiveCount: number) => number;
}

export class WebhookPump {
  /** Receipt handles of messages the last rounds left in backoff. */
  private inBackoff: string[] = [];
  private readonly handle: ReturnType<typeof eventDelivery>;

  constructor(private readonly options: WebhookPumpOptions) {
    const { fn, queues, endpoint, clock } = options;
    // No cache: a test that rotates the secret sees the new one at the next delivery.
    const secrets = new SigningSecretsSource(fn.secretsManager, options.secretId, 0);
    this.handle = eventDelivery(() => ({
      // The local runtime's receivers: http://127.0.0.1 is allowed here, and only here.
      target: { endpoint, urlPolicy: { allowLoopback: true }, secrets: () => secrets.load(), wallClock: () => new Date() },
      sqs: fn.sqs,
      queueUrl: queues.queueUrl,
      deadLetterQueueUrl: queues.dlqUrl,
      clock,
      ...(options.backoffSeconds ? { backoffSeconds: options.backoffSeconds } : {}),
    }));
  }

  /** One round: every visible message (with `dueNow`, also those in backoff) attempted once; returns how many were delivered or dead-lettered. */
  async deliver({ dueNow = false } = {}): Promise<number> {
    const { fn, sqs, queues } = this.options;
    if (dueNow && this.inBackoff.length) {
      const handles = this.inBackoff;
      this.inBackoff = [];
      for (let i = 0; i < handles.length; i += 10) {
        await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queues.queueUrl,
            Entries: handles.slice(i, i + 10).map((ReceiptHandle, n) => ({ Id: String(n), ReceiptHandle, VisibilityTimeout: 0 })),
          }),
        );
      }
    }
    let done = 0;
    const attempted = new Set<string>();
    for (;;) {
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, AttributeNames: ['All'] }),
      );
      const messages = (received.Messages ?? []).filter((m) => !attempted.has(m.MessageId ?? ''));
      if (messages.length === 0) return done;
      for (const m of messages) attempted.add(m.MessageId ?? '');
      let failed: Set<string>;
      try {
        const result = (await fn.invoke((context) => this.handle(toSqsEvent(messages), context))) as SQSBatchResponse;
        failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
      } catch {
        failed = new Set(messages.map((m) => m.MessageId ?? ''));
      }
      const succeeded = messages.filter((m) => !failed.has(m.MessageId ?? ''));
      this.inBackoff.push(...messages.filter((m) => failed.has(m.MessageId ?? '')).map((m) => m.ReceiptHandle ?? ''));
      if (succeeded.length) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queues.queueUrl,
            Entries: succeeded.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
          }),
        );
      }
      done += succeeded.length;
    }
  }
}
