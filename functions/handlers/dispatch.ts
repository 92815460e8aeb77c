/** Dispatch: run by the schedule; claims due connections and queues their syncs. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { METRIC } from '../core/shared/metrics';
import type { ServiceDeps } from '../core/shared/deps';
import { type DispatchOptions, dispatchDue } from '../core/sync/dispatch-service';
import { dispatchServicesFromEnvironment } from './commons/runtime';
import { logger } from './commons/logger';
import { metrics, metricsPublisher } from './commons/metrics';

/** All dispatch needs: a schedule, a queue, a clock and the service-wide Garmin limits. */
export interface DispatchServices {
  deps: Pick<ServiceDeps, 'schedules' | 'queue' | 'clock' | 'garminGuard' | 'newId'>;
}

/** `options` override DEFAULT_DISPATCH (the benchmark and tests; the deployed function uses the defaults). */
export const dispatcher = (services: () => DispatchServices, options: Partial<DispatchOptions> = {}) =>
  middy<unknown>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(metricsPublisher())
    .handler(async () => {
      const { deps } = services();
      const result = await dispatchDue(
        {
          schedules: deps.schedules,
          queue: deps.queue,
          clock: deps.clock,
          random: Math.random,
          newId: deps.newId,
          guard: deps.garminGuard,
        },
        options,
      );
      metrics.addMetric(METRIC.dispatched, MetricUnit.Count, result.claimed);
      if (result.breaker !== 'closed' || result.leftForLater > 0) logger.warn('dispatch held back by the Garmin budget or breaker', { ...result });
      else logger.info('dispatch done', { ...result });
      return result;
    });

export const handler = dispatcher(dispatchServicesFromEnvironment);
