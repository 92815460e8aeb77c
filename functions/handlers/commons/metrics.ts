/** Business metrics as CloudWatch EMF (Powertools): what the dashboard and alarms read. */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import { LIMITS } from '../../core/shared/limits';
import { METRIC, METRICS_NAMESPACE } from '../../core/shared/metrics';
import type { SyncJob } from '../../core/shared/ports';
import type { SyncRun } from '../../core/sync/sync-service';

export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'garmin-sync' });

/**
 * Publishes what the invocation recorded. An invocation may record nothing (a `fresh` sync, a
 * skipped connect); Powertools would then print a "No application metrics" warning on every such call.
 */
export const publishMetrics = (): void => {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
};

/** middy: publishMetrics after the handler, also when it throws (Powertools' logMetrics without the empty warning). */
export const metricsPublisher = (): MiddlewareObj => ({ after: publishMetrics, onError: publishMetrics });

const SYNC_OUTCOME: Partial<Record<SyncRun['status'], string>> = {
  synced: METRIC.syncsSucceeded,
  failed: METRIC.syncsFailed,
  deferred: METRIC.syncsDeferred,
};

export const recordSync = (job: SyncJob, run: SyncRun, startedAt: Date): void => {
  const outcome = SYNC_OUTCOME[run.status];
  if (outcome) metrics.addMetric(outcome, MetricUnit.Count, 1);
  if (run.garminRequests) metrics.addMetric(METRIC.garminRequests, MetricUnit.Count, run.garminRequests);
  if (run.error?.code === 'RATE_LIMITED') metrics.addMetric(METRIC.garminRateLimited, MetricUnit.Count, 1);
  // How long after dispatch claimed it a scheduled sync ran (jitter + queue wait). The claim
  // moved the due time one interval ahead, so the claim happened one interval before dueAt.
  if (job.reason === 'scheduled' && job.dueAt && run.status !== 'skipped') {
    const claimedAt = Date.parse(job.dueAt) - LIMITS.syncIntervalSeconds * 1000;
    metrics.addMetric(METRIC.syncLagSeconds, MetricUnit.Seconds, Math.max(0, (startedAt.getTime() - claimedAt) / 1000));
  }
};

export const recordConnect = (outcome: 'connected' | 'failed' | 'skipped'): void => {
  if (outcome === 'skipped') return;
  metrics.addMetric(METRIC.logins, MetricUnit.Count, 1);
  metrics.addMetric(outcome === 'connected' ? METRIC.connectsSucceeded : METRIC.connectsFailed, MetricUnit.Count, 1);
};
