/**
 * One queued event's delivery attempt. At least once: the message is deleted (the record
 * succeeds) only once the endpoint answered 2xx or the event went to the dead-letter queue.
 * A failed attempt sets the message's visibility to the next backoff and fails the record,
 * so SQS hands it back then; once the event is older than the retry window it is moved to
 * the dead-letter queue, from which `webhooks-cli.ts replay` sends it again.
 */
import type { SQSRecord } from 'aws-lambda';
import { type AppEvent, eventSchemas } from '../../core/events/schema';
import type { Clock } from '../../core/shared/ports';
import type { SqsApi } from '../aws/sqs-api';
import { type DeliveryTarget, WEBHOOK_RETRY, deliverEvent, retryDelaySeconds } from './delivery';

/** What the handler logs and counts (event id and type only: never the payload's ids). */
export interface DeliveryObserver {
  delivered(event: AppEvent): void;
  retrying(event: AppEvent, info: { receives: number; reason: string; retryInSeconds: number }): void;
  deadLettered(event: AppEvent, info: { receives: number; reason: string }): void;
}

export interface DeliveryDeps {
  target: DeliveryTarget;
  sqs: SqsApi;
  queueUrl: string;
  deadLetterQueueUrl: string;
  /** How old an event is (the retry window): the services' clock. */
  clock: Clock;
  /** Seconds until the next attempt after `receiveCount` attempts (the local runtime's tests drive retries themselves). */
  backoffSeconds?: (receiveCount: number) => number;
}

export class DeliveryFailed extends Error {}

export type DeliveryResult = 'delivered' | 'dead-lettered';

export const deliverRecord =
  (deps: DeliveryDeps, observer: DeliveryObserver) =>
  async (record: SQSRecord): Promise<DeliveryResult> => {
    const event = eventSchemas().AppEvent.parse(JSON.parse(record.body));
    const outcome = await deliverEvent(deps.target, event);
    if (outcome.delivered) {
      observer.delivered(event);
      return 'delivered';
    }
    const receives = Number(record.attributes.ApproximateReceiveCount) || 1;
    const ageSeconds = (deps.clock.now().getTime() - Date.parse(event.timestamp)) / 1000;
    if (ageSeconds >= WEBHOOK_RETRY.windowSeconds) {
      await deps.sqs.sendMessage({ QueueUrl: deps.deadLetterQueueUrl, MessageBody: record.body });
      observer.deadLettered(event, { receives, reason: outcome.reason });
      return 'dead-lettered';
    }
    const retryInSeconds = (deps.backoffSeconds ?? retryDelaySeconds)(receives);
    await deps.sqs.changeMessageVisibility({ QueueUrl: deps.queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: retryInSeconds });
    observer.retrying(event, { receives, reason: outcome.reason, retryInSeconds });
    throw new DeliveryFailed(outcome.reason);
  };
