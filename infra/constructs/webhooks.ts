/**
 * Webhook delivery (functions/handlers/deliver-events.ts): the queue the services publish
 * events to, its dead-letter queue (the store the operator replays from), and the signing
 * secret. The delivery function itself is one of AppFunctions; `attach` feeds it.
 *
 * Retries are the function's: each failed attempt sets the message's visibility to the next
 * backoff and the event is dead-lettered once older than the retry window (a day). The
 * queue's own redrive (WEBHOOK_RETRY.maxReceiveCount) is only a backstop for a function
 * that crashes on a message.
 */
import { Duration, RemovalPolicy, Validations, aws_lambda as lambda, aws_lambda_event_sources as sources, aws_secretsmanager as secrets, type aws_sqs as sqs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { WEBHOOK_RETRY } from '../../functions/adapters/webhooks/delivery';
import { TIMEOUT_SECONDS } from '../sizing';
import { secureQueue } from './pipeline';

/** SQS keeps a message this long: past the retry window, so the window, not retention, ends the retries. */
const QUEUE_RETENTION = Duration.days(4);
/** Simultaneous deliveries (batches of up to 10 events each): what the app's endpoint sees at most. */
const DELIVERY_MAX_CONCURRENCY = 5;

export class Webhooks extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly secret: secrets.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.deadLetterQueue = secureQueue(this, 'DeadLetters', { retentionPeriod: Duration.days(14) });
    Validations.of(this.deadLetterQueue.node.defaultChild as sqs.CfnQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter store of webhook deliveries. Operators replay it (webhooks-cli.ts replay, docs/webhooks.md) when its alarm fires.',
    });
    this.queue = secureQueue(this, 'Deliveries', {
      // 6 × the function's timeout (AWS guidance for Lambda); every failed attempt sets its own backoff.
      visibilityTimeout: Duration.seconds(6 * TIMEOUT_SECONDS.deliverEvents),
      retentionPeriod: QUEUE_RETENTION,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: WEBHOOK_RETRY.maxReceiveCount },
    });
    this.secret = new secrets.Secret(this, 'SigningSecret', {
      description: 'Standard Webhooks signing secrets of the Garmin sync backend: the app verifies with whsec_<current>',
      // 44 base64 characters (33 bytes); `webhooks-cli.ts rotate-secret` replaces it and keeps the old one signing for an overlap.
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'current', passwordLength: 44, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.secret.node.defaultChild as secrets.CfnSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotation needs the app to take the new secret: webhooks-cli.ts rotate-secret generates it and keeps the old one signing beside it for an overlap (both signatures on every webhook), docs/webhooks.md. A rotation Lambda replacing the value would break the app\'s verification at once.',
    });
  }

  attach(deliver: lambda.IFunction): void {
    deliver.addEventSource(
      new sources.SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: DELIVERY_MAX_CONCURRENCY }),
    );
  }
}
