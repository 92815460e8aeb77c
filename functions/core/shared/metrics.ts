/** Metric names (CloudWatch EMF via Powertools), shared by the code that emits them and the dashboard. */
export const METRICS_NAMESPACE = 'GarminSync';

export const METRIC = {
  syncsSucceeded: 'SyncsSucceeded',
  syncsFailed: 'SyncsFailed',
  syncsDeferred: 'SyncsDeferred',
  garminRequests: 'GarminRequests',
  garminRateLimited: 'GarminRateLimited',
  logins: 'Logins',
  connectsSucceeded: 'ConnectsSucceeded',
  connectsFailed: 'ConnectsFailed',
  /** Seconds between a sync's due time and when it ran. */
  syncLagSeconds: 'SyncLagSeconds',
  dispatched: 'Dispatched',
  webhooksDelivered: 'WebhooksDelivered',
  /** Attempts the app's endpoint refused or did not answer (each is retried). */
  webhookAttemptsFailed: 'WebhookAttemptsFailed',
  webhooksDeadLettered: 'WebhooksDeadLettered',
} as const;
