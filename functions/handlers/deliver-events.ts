/**
 * Webhook delivery function: SQS (the events the services published) → the app's endpoint,
 * signed per Standard Webhooks, retried with backoff for at least a day, then dead-lettered
 * (functions/adapters/webhooks/delivery-worker.ts).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { METRIC } from '../core/shared/metrics';
import { logger } from './commons/logger';
import { metrics, metricsPublisher } from './commons/metrics';
import { type DeliveryDeps, type DeliveryObserver, deliverRecord, deliveryFromEnvironment } from './commons/runtime';

/** Logs and counts each outcome: the event's id and type, never its data. */
const observer: DeliveryObserver = {
  delivered: () => metrics.addMetric(METRIC.webhooksDelivered, MetricUnit.Count, 1),
  retrying: (event, info) => {
    metrics.addMetric(METRIC.webhookAttemptsFailed, MetricUnit.Count, 1);
    logger.warn('webhook attempt failed; retrying', { eventId: event.id, type: event.type, ...info });
  },
  deadLettered: (event, info) => {
    metrics.addMetric(METRIC.webhookAttemptsFailed, MetricUnit.Count, 1);
    metrics.addMetric(METRIC.webhooksDeadLettered, MetricUnit.Count, 1);
    logger.error('webhook dead-lettered after the retry window', { eventId: event.id, type: event.type, ...info });
  },
};

export const eventDelivery = (deps: () => DeliveryDeps) => {
  const processor = new BatchProcessor(EventType.SQS);
  return middy<SQSEvent>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(metricsPublisher())
    // An endpoint that refuses a whole batch is the app's outage, not this function's error:
    // the records fail (and retry), the invocation does not (no Errors alarm for it).
    .handler(async (event, context) =>
      processPartialResponse(event, (record: SQSRecord) => deliverRecord(deps(), observer)(record), processor, {
        context,
        throwOnFullBatchFailure: false,
      }),
    );
};

export const handler = eventDelivery(deliveryFromEnvironment);
