/** Dispatch: run by the schedule; claims due connections and queues their syncs. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { METRIC } from '../core/metrics';
import type { Services } from '../core/services';
import { dispatchDue } from '../core/services/dispatch-service';
import { logger } from './commons/logger';
import { metrics } from './commons/metrics';
import { servicesFromEnvironment } from './commons/runtime';

export const dispatcher = (services: () => Services) =>
  middy<unknown>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async () => {
      const { deps } = services();
      // Only what dispatch uses: spreading deps would build the vault and bridge too.
      const result = await dispatchDue({ connections: deps.connections, queue: deps.queue, clock: deps.clock, random: Math.random });
      metrics.addMetric(METRIC.dispatched, MetricUnit.Count, result.claimed);
      logger.info('dispatch done', result);
      return result;
    });

export const handler = dispatcher(servicesFromEnvironment);
