/** Dispatch: run by the schedule; claims due connections and queues their syncs. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Services } from '../core/services';
import { dispatchDue } from '../core/services/dispatch-service';
import { logger } from './commons/logger';
import { servicesFromEnvironment } from './commons/runtime';

export const dispatcher = (services: () => Services) =>
  middy<unknown>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async () => {
      const { deps } = services();
      const result = await dispatchDue({ ...deps, random: Math.random });
      logger.info('dispatch done', result);
      return result;
    });

export const handler = dispatcher(servicesFromEnvironment);
