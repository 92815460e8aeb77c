/** Connect worker: invoked asynchronously with one attempt; runs the Garmin login (MFA included). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { ConnectJobMessage } from '../core/shared/jobs';
import type { Services } from '../core/services';
import { completeConnectAttempt } from '../core/connect/connect-worker';
import { logger } from './commons/logger';
import { recordConnect, metricsPublisher } from './commons/metrics';
import { connectWorkerServicesFromEnvironment } from './commons/runtime';

export const connectWorker = (services: () => Pick<Services, 'deps'>) =>
  middy<unknown>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(metricsPublisher())
    .handler(async (event) => {
      const job = ConnectJobMessage.parse(event);
      const outcome = await completeConnectAttempt(services().deps, job);
      recordConnect(outcome);
      logger.info('connect attempt done', { attemptId: job.attemptId, outcome });
      return { outcome };
    });

export const handler = connectWorker(connectWorkerServicesFromEnvironment);
