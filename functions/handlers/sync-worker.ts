/**
 * Sync worker: one SQS message = one user's sync; the records of a batch run side by side
 * and their fetches share one bridge invocation (the composition root's batching bridge). Garmin failures are not message
 * failures (the connection's own backoff reschedules them); only unexpected errors fail
 * a record, which SQS redelivers and finally moves to the DLQ. Duplicates are harmless:
 * a scheduled job only runs while its claim is the user's lease, one delivered twice at once
 * runs twice only when neither run can refresh the tokens (core/sync/claimed-run.ts), and
 * every write is an idempotent upsert.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { SyncJobMessage } from '../core/shared/jobs';
import type { SyncServices } from '../core/services';
import { logger } from './commons/logger';
import { recordSync, metricsPublisher } from './commons/metrics';
import { syncWorkerServicesFromEnvironment } from './commons/runtime';

export const syncRecord = (services: () => SyncServices) => async (record: SQSRecord, context?: Context) => {
  const job = SyncJobMessage.parse(JSON.parse(record.body));
  const startedAt = new Date();
  // The function's own deadline bounds the sync's bridge calls and decides whether a re-login still fits.
  // A redelivered job announces all it fetches: its first attempt may have stored data unannounced.
  const redelivery = Number(record.attributes?.ApproximateReceiveCount) > 1;
  const { sync, deps } = services();
  const options = { ...(context ? { deadlineMs: Date.now() + context.getRemainingTimeInMillis() } : {}), ...(redelivery ? { redelivery } : {}) };
  // As one of the batch's syncs, whose fetches a batching bridge sends in one invocation.
  const run = deps.bridge.during ? await deps.bridge.during(() => sync.run(job, options)) : await sync.run(job, options);
  recordSync(job, run, startedAt);
  logger.info('sync done', {
    reason: job.reason,
    status: run.status,
    activitiesWritten: run.activitiesWritten,
    dailySummariesWritten: run.dailySummariesWritten,
    garminRequests: run.garminRequests,
    ...(run.error ? { errorCode: run.error.code } : {}),
  });
  return run.status;
};

export const syncWorker = (services: () => SyncServices) => {
  const processor = new BatchProcessor(EventType.SQS);
  const handleRecord = syncRecord(services);
  return middy<SQSEvent>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(metricsPublisher())
    .handler(async (event, context) => processPartialResponse(event, handleRecord, processor, { context }));
};

export const handler = syncWorker(syncWorkerServicesFromEnvironment);
