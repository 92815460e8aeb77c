/** The deployed runtime: services over DynamoDB, Secrets Manager, SQS and Lambda, named by the environment. */
import { BatchingBridge } from '../../adapters/bridge/batching-bridge';
import { createGarminBridge } from '../../adapters/bridge/bridge-client';
import { createDocumentClient } from '../../adapters/dynamo/client';
import { TABLES, type TableKey } from '../../adapters/dynamo/tables';
import { LambdaConnectInvoker } from '../../adapters/invoker/lambda-connect-invoker';
import { SqsSyncQueue } from '../../adapters/queue/sqs-sync-queue';
import { createSecretsManagerVault } from '../../adapters/vault';
import { ENV, readEnv } from '../../core/env';
import type { GarminBridge } from '../../core/ports';
import type { Services } from '../../core/services';
import { type Adapters, composeServices, once } from './compose';

const tableName = (key: TableKey): string => process.env[TABLES[key].envVar] ?? '';

const tables = (): Adapters['tables'] => ({
  connections: tableName('connections'),
  data: tableName('data'),
  attempts: tableName('attempts'),
  events: tableName('events'),
});

const deployedServices = (bridge: () => GarminBridge): Services =>
  composeServices({
    doc: createDocumentClient(),
    tables: tables(),
    vault: once(() => createSecretsManagerVault()),
    bridge: once(bridge),
    queue: once(() => new SqsSyncQueue(readEnv(ENV.syncQueueUrl))),
    connectWorker: once(() => new LambdaConnectInvoker(readEnv(ENV.connectWorkerFunctionName))),
  });

/**
 * Built on the first request of a container and reused by the next ones. Pure: a bundle that
 * imports only readServicesFromEnvironment drops this one and the clients only it uses.
 */
export const servicesFromEnvironment: () => Services = /* @__PURE__ */ once(() => deployedServices(() => createGarminBridge({ transport: 'lambda' })));

/** The sync worker's: the fetches of one SQS batch share one bridge invocation (adapters/bridge/batching-bridge.ts). */
export const syncWorkerServicesFromEnvironment: () => Services = /* @__PURE__ */ once(() =>
  deployedServices(() => new BatchingBridge(createGarminBridge({ transport: 'lambda' }))),
);

const notInThisFunction = (what: string) => (): never => {
  throw new Error(`${what} is not available to the read function`);
};

/**
 * The read function's services: DynamoDB only. Its bundle has no Lambda, SQS or Secrets
 * Manager client (a cold start of the function every app read may hit).
 */
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
