/**
 * The deployed runtime: every function's services over DynamoDB, Secrets Manager, SQS and
 * Lambda, named by the environment, composed by compose.ts. Each export is built on the first
 * request of a container and reused by the next ones. Each is pure: a bundle drops the exports
 * its handler does not import and the clients only they use (the read and dispatch functions
 * carry no bridge or Secrets Manager code, a cold start every app read or schedule may hit).
 * DynamoDB, Secrets Manager, Lambda Invoke and SQS go without SDK clients at all (adapters/aws).
 */
import { secretsApi } from '../../adapters/aws/secrets-api';
import { sqsApi } from '../../adapters/aws/sqs-api';
import { BatchingBridge } from '../../adapters/bridge/batching-bridge';
import { lambdaGarminBridge } from '../../adapters/bridge/bridge-client';
import { createDocumentClient } from '../../adapters/dynamo/client';
import { TABLES, type TableKey } from '../../adapters/dynamo/tables';
import { LambdaConnectInvoker } from '../../adapters/invoker/lambda-connect-invoker';
import { SqsSyncQueue } from '../../adapters/queue/sqs-sync-queue';
import { createSecretsManagerVault } from '../../adapters/vault';
import type { DeliveryDeps } from '../../adapters/webhooks/delivery-worker';
import { SigningSecretsSource } from '../../adapters/webhooks/signing-secrets';
import { ENV, readEnv } from '../../core/shared/env';
import type { GarminBridge } from '../../core/shared/ports';
import type { Services, SyncServices } from '../../core/services';
import type { DispatchServices } from '../dispatch';
import { type Adapters, composeDispatch, composeServices, composeSyncServices, once } from './compose';

export { type DeliveryDeps, type DeliveryObserver, deliverRecord } from '../../adapters/webhooks/delivery-worker';

const tableName = (key: TableKey): string => process.env[TABLES[key].envVar] ?? '';

const tables = (): Adapters['tables'] => ({
  connections: tableName('connections'),
  data: tableName('data'),
  attempts: tableName('attempts'),
  events: tableName('events'),
});

const syncQueue = () => new SqsSyncQueue(readEnv(ENV.syncQueueUrl));

const deployedAdapters = (bridge: () => GarminBridge): Adapters => ({
  doc: createDocumentClient(),
  tables: tables(),
  vault: once(() => createSecretsManagerVault()),
  bridge: once(bridge),
  queue: once(syncQueue),
  connectWorker: once(() => new LambdaConnectInvoker(readEnv(ENV.connectWorkerFunctionName))),
});

export const servicesFromEnvironment: () => Services = /* @__PURE__ */ once(() => composeServices(deployedAdapters(() => lambdaGarminBridge())));

/** The sync worker's: the sync alone; the fetches of one SQS batch share one bridge invocation (adapters/bridge/batching-bridge.ts). */
export const syncWorkerServicesFromEnvironment: () => SyncServices = /* @__PURE__ */ once(() =>
  composeSyncServices(deployedAdapters(() => new BatchingBridge(lambdaGarminBridge()))),
);

const notInThisFunction = (what: string) => (): never => {
  throw new Error(`${what} is not available to the read function`);
};

/** The read function's services: DynamoDB only. */
export const readServicesFromEnvironment: () => Services = /* @__PURE__ */ once(() =>
  composeServices({
    doc: createDocumentClient(),
    tables: tables(),
    vault: notInThisFunction('the vault'),
    bridge: notInThisFunction('the bridge'),
    queue: notInThisFunction('the sync queue'),
    connectWorker: notInThisFunction('the connect worker'),
  }),
);

/** Dispatch's services: DynamoDB and the sync queue, not the whole service graph. */
export const dispatchServicesFromEnvironment: () => DispatchServices = /* @__PURE__ */ once(() =>
  composeDispatch({ doc: createDocumentClient(), tables: tables(), queue: once(syncQueue) }),
);

/** Webhook delivery: the endpoint, its signing secrets (cached for minutes) and the queues. */
export const deliveryFromEnvironment: () => DeliveryDeps = /* @__PURE__ */ once(() => {
  const secrets = new SigningSecretsSource(secretsApi(), readEnv(ENV.webhookSecretId));
  return {
    // Deployed: https:// to public addresses only (url-guard.ts), whatever the configuration says.
    target: { endpoint: readEnv(ENV.webhookUrl), urlPolicy: {}, secrets: () => secrets.load(), wallClock: () => new Date() },
    sqs: sqsApi(),
    queueUrl: readEnv(ENV.webhookQueueUrl),
    deadLetterQueueUrl: readEnv(ENV.webhookDeadLetterQueueUrl),
    clock: { now: () => new Date() },
  };
});
