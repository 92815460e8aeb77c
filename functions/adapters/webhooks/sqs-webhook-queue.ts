import type { AppEvent } from '../../core/events/schema';
import { type SqsApi, sendInBatches, sqsApi } from '../aws/sqs-api';

/** Events waiting for delivery to the app's endpoint: one SQS message each, the event JSON as the body. */
export class SqsWebhookQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly sqs: SqsApi = sqsApi(),
  ) {}

  async send(events: AppEvent[]): Promise<void> {
    await sendInBatches(this.sqs, this.queueUrl, events.map((event) => ({ body: JSON.stringify(event) })), 'webhook events');
  }
}
