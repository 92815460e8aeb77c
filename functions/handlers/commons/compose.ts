/** Builds the services from adapters; the Lambda runtime and the local runtime both use it. */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAttemptStore } from '../../adapters/dynamo/attempt-store';
import { DynamoConnectionStore } from '../../adapters/dynamo/connection-store';
import { DynamoDataStore } from '../../adapters/dynamo/data-store';
import { DynamoIdempotencyStore } from '../../adapters/dynamo/idempotency-store';
import { DynamoLeaseStore } from '../../adapters/dynamo/lease-store';
import { DynamoRateLimiter } from '../../adapters/dynamo/rate-limiter';
import type { TableKey } from '../../adapters/dynamo/tables';
import { DynamoEventFeed } from '../../adapters/events/dynamo-event-feed';
import { FeedAndWebhooks } from '../../adapters/events/feed-and-webhooks';
import type { SqsWebhookQueue } from '../../adapters/webhooks/sqs-webhook-queue';
import type { Clock, ConnectWorkerInvoker, GarminBridge, SyncQueue, Vault } from '../../core/shared/ports';
import { type Services, createServices } from '../../core/services';
import type { ApiRequestLimits } from '../../core/shared/request-throttle';

export interface Adapters {
  doc: DynamoDBDocumentClient;
  tables: Record<TableKey, string>;
  /** Built on first use: not every function has (or may have) a vault, a bridge or a queue. */
  vault: () => Vault;
  bridge: () => GarminBridge;
  queue: () => SyncQueue;
  connectWorker: () => ConnectWorkerInvoker;
  /** Where events go for webhook delivery; absent when no endpoint is configured (the feed only). */
  webhooks?: Pick<SqsWebhookQueue, 'send'>;
  /** The system clock unless a test or benchmark drives time. */
  clock?: Clock;
  /** The per-user API throttle's limits, when the local runtime sets others than LIMITS.apiRequestsPerWindow. */
  apiRequestLimits?: ApiRequestLimits;
  /** The backfill's depth, when the local runtime sets another than LIMITS.backfillDays. */
  backfillDays?: number;
}

export const composeServices = (adapters: Adapters): Services => {
  const { doc, tables } = adapters;
  const clock = adapters.clock ?? { now: () => new Date() };
  const feed = new DynamoEventFeed(doc, tables.events, clock);
  return createServices({
    clock,
    connections: new DynamoConnectionStore(doc, tables.connections, tables.attempts),
    attempts: new DynamoAttemptStore(doc, tables.attempts),
    data: new DynamoDataStore(doc, tables.data),
    leases: new DynamoLeaseStore(doc, tables.data),
    idempotency: new DynamoIdempotencyStore(doc, tables.data),
    rateLimiter: new DynamoRateLimiter(doc, tables.data),
    events: new FeedAndWebhooks(feed, adapters.webhooks),
    feed,
    get vault() {
      return adapters.vault();
    },
    get bridge() {
      return adapters.bridge();
    },
    get queue() {
      return adapters.queue();
    },
    get connectWorker() {
      return adapters.connectWorker();
    },
    ...(adapters.apiRequestLimits ? { apiRequestLimits: adapters.apiRequestLimits } : {}),
    ...(adapters.backfillDays !== undefined ? { backfillDays: adapters.backfillDays } : {}),
    newId: randomUUID,
    pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
};

/** Memoises a factory: built once, on first call. */
export const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};
