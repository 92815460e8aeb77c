/**
 * The one composition root: which adapter implements each port, for every function. The
 * deployed runtime (runtime.ts: adapters named by the environment) and the local runtime
 * (scripts/local/deployed-functions.ts: the emulators' clients under the stack's IAM) both
 * build their services here. A builder references only the adapters its function uses, so
 * a function's bundle holds no client it never calls (dispatch: DynamoDB and SQS only).
 */
import { randomUUID } from 'node:crypto';
import type { DocumentClient } from '../../adapters/dynamo/client';
import { DynamoAttemptStore } from '../../adapters/dynamo/attempt-store';
import { DynamoConnectionStore } from '../../adapters/dynamo/connection-store';
import { DynamoDataStore } from '../../adapters/dynamo/data-store';
import { DynamoGarminGuardStore } from '../../adapters/dynamo/garmin-guard-store';
import { DynamoIdempotencyStore } from '../../adapters/dynamo/idempotency-store';
import { DynamoScheduleStore } from '../../adapters/dynamo/schedule-store';
import { DynamoRateLimiter } from '../../adapters/dynamo/rate-limiter';
import { DynamoRequestCounter } from '../../adapters/dynamo/request-counter';
import type { TableKey } from '../../adapters/dynamo/tables';
import { DynamoEventFeed } from '../../adapters/events/dynamo-event-feed';
import { FeedAndWebhooks } from '../../adapters/events/feed-and-webhooks';
import type { SqsWebhookQueue } from '../../adapters/webhooks/sqs-webhook-queue';
import type { Clock, ConnectWorkerInvoker, GarminBridge, SyncQueue, Vault } from '../../core/shared/ports';
import type { ServiceDeps } from '../../core/shared/deps';
import { type Services, type SyncServices, createServices, createSyncServices } from '../../core/services';
import type { ApiRequestLimits } from '../../core/shared/request-throttle';
import type { DispatchServices } from '../dispatch';

export interface Adapters {
  doc: DocumentClient;
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

const clockOf = (adapters: Pick<Adapters, 'clock'>): Clock => adapters.clock ?? { now: () => new Date() };

/** The stores dispatch shares with the service graph, built one way for both. */
const connectionStore = ({ doc, tables }: Pick<Adapters, 'doc' | 'tables'>) => new DynamoConnectionStore(doc, tables.connections, tables.attempts);
/** The service-wide Garmin budget, breaker and login block, in the data table's `__system__` partition. */
const garminGuard = ({ doc, tables }: Pick<Adapters, 'doc' | 'tables'>) => new DynamoGarminGuardStore(doc, tables.data);
const scheduleStore = ({ doc, tables }: Pick<Adapters, 'doc' | 'tables'>) => new DynamoScheduleStore(doc, tables.connections);

/** The services' dependencies over the deployed (or local) adapters. */
const composeDeps = (adapters: Adapters): ServiceDeps => {
  const { doc, tables } = adapters;
  const clock = clockOf(adapters);
  const feed = new DynamoEventFeed(doc, tables.events, clock);
  return {
    clock,
    connections: connectionStore(adapters),
    attempts: new DynamoAttemptStore(doc, tables.attempts),
    data: new DynamoDataStore(doc, tables.data),
    schedules: scheduleStore(adapters),
    idempotency: new DynamoIdempotencyStore(doc, tables.data),
    rateLimiter: new DynamoRateLimiter(doc, tables.data),
    garminGuard: garminGuard(adapters),
    // The per-user API throttle's windows, in the user's rate partition of the data table.
    requestCounter: new DynamoRequestCounter(doc, tables.data),
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
  };
};

export const composeServices = (adapters: Adapters): Services => createServices(composeDeps(adapters));

/** A sync worker's: the same dependencies, the sync service alone. */
export const composeSyncServices = (adapters: Adapters): SyncServices => createSyncServices(composeDeps(adapters));

/** Dispatch's services: the schedule, the sync queue, the clock and the service-wide Garmin limits, nothing else. */
export const composeDispatch = (adapters: Pick<Adapters, 'doc' | 'tables' | 'queue' | 'clock'>): DispatchServices => ({
  deps: {
    schedules: scheduleStore(adapters),
    garminGuard: garminGuard(adapters),
    get queue() {
      return adapters.queue();
    },
    clock: clockOf(adapters),
    newId: randomUUID,
  },
});

/** Memoises a factory: built once, on first call. */
export const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};
