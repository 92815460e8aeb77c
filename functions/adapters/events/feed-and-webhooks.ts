/**
 * The EventSink: the feed first, then webhook delivery when an endpoint is configured.
 * The feed is the record: an event the queue did not take (the error propagates) is
 * still in the feed, so an app that also polls the feed misses nothing.
 */
import type { AppEvent } from '../../core/events/schema';
import type { EventSink } from '../../core/shared/ports';
import type { SqsWebhookQueue } from '../webhooks/sqs-webhook-queue';
import type { DynamoEventFeed } from './dynamo-event-feed';

export class FeedAndWebhooks implements EventSink {
  constructor(
    private readonly feed: DynamoEventFeed,
    private readonly webhooks: Pick<SqsWebhookQueue, 'send'> | undefined,
  ) {}

  async publish(userId: string, events: AppEvent[]): Promise<void> {
    await this.feed.publish(userId, events);
    await this.webhooks?.send(events);
  }

  erase(userId: string): Promise<void> {
    return this.feed.erase(userId);
  }
}
