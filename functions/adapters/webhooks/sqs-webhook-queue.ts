import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { AppEvent } from '../../core/events/schema';

const SQS_BATCH = 10;

/** Events waiting for delivery to the app's endpoint: one SQS message each, the event JSON as the body. */
export class SqsWebhookQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly sqs: SQSClient = new SQSClient({}),
  ) {}

  async send(events: AppEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += SQS_BATCH) {
      const batch = events.slice(i, i + SQS_BATCH);
      const result = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((event, n) => ({ Id: String(n), MessageBody: JSON.stringify(event) })),
        }),
      );
      if (result.Failed?.length) {
        throw new Error(`SQS refused ${result.Failed.length} of ${batch.length} webhook events (${result.Failed[0]?.Code ?? 'unknown'})`);
      }
    }
  }
}
