/**
 * Names of the environment variables the TypeScript functions read (besides Lambda's and
 * Powertools' own): set by the CDK stack when deployed and by the local runtime offline, both
 * from this list. The Python bridge names the two it reads itself (ATTEMPTS_TABLE in
 * mailbox.py, GARMIN_BASE_URL in seam.py); they are the same strings as here.
 */
export const ENV = {
  connectionsTable: 'CONNECTIONS_TABLE',
  dataTable: 'DATA_TABLE',
  attemptsTable: 'ATTEMPTS_TABLE',
  /** The change feed (functions/adapters/events). */
  eventsTable: 'EVENTS_TABLE',
  /** The webhook delivery queue; absent when no webhook endpoint is configured (events go to the feed only). */
  webhookQueueUrl: 'WEBHOOK_QUEUE_URL',
  /** Delivery function: the app's endpoint, its signing secrets, and its dead-letter queue. */
  webhookUrl: 'WEBHOOK_URL',
  webhookSecretId: 'WEBHOOK_SECRET_ID',
  webhookDeadLetterQueueUrl: 'WEBHOOK_DLQ_URL',
  /** Secrets Manager id of the credential keyring. */
  keyringSecretId: 'KEYRING_SECRET_ID',
  /** The Python bridge Lambda (deployed transport). */
  bridgeFunctionName: 'BRIDGE_FUNCTION_NAME',
  /** The connect worker Lambda, invoked asynchronously by the connect function. */
  connectWorkerFunctionName: 'CONNECT_WORKER_FUNCTION_NAME',
  syncQueueUrl: 'SYNC_QUEUE_URL',
  /** Test/local only: the Garmin simulator. The deployed stack never sets it. */
  garminBaseUrl: 'GARMIN_BASE_URL',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

export const readEnv = (name: EnvName): string => {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
};
