/** Dispatch: run by the schedule; claims due connections and queues their syncs. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { createDocumentClient } from '../adapters/dynamo/client';
import { DynamoConnectionStore } from '../adapters/dynamo/connection-store';
import { DynamoRateLimiter } from '../adapters/dynamo/rate-limiter';
import { TABLES } from '../adapters/dynamo/tables';
import { SqsSyncQueue } from '../adapters/queue/sqs-sync-queue';
import { ENV, readEnv } from '../core/env';
import { METRIC } from '../core/metrics';
import type { ServiceDeps } from '../core/services/deps';
import { type DispatchOptions, dispatchDue } from '../core/services/dispatch-service';
import { logger } from './commons/logger';
import { metrics } from './commons/metrics';

/** All dispatch needs: a schedule, a queue, a clock and the service-wide Garmin limits. */
export interface DispatchServices {
  deps: Pick<ServiceDeps, 'connections' | 'queue' | 'clock' | 'rateLimiter'>;
}

/** `options` override DEFAULT_DISPATCH (the benchmark and tests; the deployed function uses the defaults). */
export const dispatcher = (services: () => DispatchServices, options: Partial<DispatchOptions> = {}) =>
  middy<unknown>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async () => {
      const { deps } = services();
      const result = await dispatchDue(
        {
          connections: deps.connections,
          queue: deps.queue,
          clock: deps.clock,
          random: Math.random,
          // The service-wide Garmin budget and circuit breaker (absent: only maxPerRun bounds a run).
          guard: deps.rateLimiter.global,
        },
        options,
      );
      metrics.addMetric(METRIC.dispatched, MetricUnit.Count, result.claimed);
      if (result.breaker !== 'closed' || result.leftForLater > 0) logger.warn('dispatch held back by the Garmin budget or breaker', { ...result });
      else logger.info('dispatch done', { ...result });
      return result;
    });

let deployed: DispatchServices | undefined;

/**
 * Only the adapters dispatch uses, not the whole service graph (servicesFromEnvironment):
 * no vault, bridge or Lambda client in this bundle, which keeps its cold start short.
 */
const dispatchServicesFromEnvironment = (): DispatchServices => {
  if (!deployed) {
    const doc = createDocumentClient();
    deployed = {
      deps: {
        connections: new DynamoConnectionStore(doc, process.env[TABLES.connections.envVar] ?? ''),
        rateLimiter: new DynamoRateLimiter(doc, process.env[TABLES.data.envVar] ?? ''),
        queue: new SqsSyncQueue(readEnv(ENV.syncQueueUrl)),
        clock: { now: () => new Date() },
      },
    };
  }
  return deployed;
};

export const handler = dispatcher(dispatchServicesFromEnvironment);
