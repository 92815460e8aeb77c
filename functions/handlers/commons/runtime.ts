/** The deployed runtime: services over DynamoDB, Secrets Manager, SQS and Lambda, named by the environment. */
import { createGarminBridge } from '../../adapters/bridge/bridge-client';
import { createDocumentClient } from '../../adapters/dynamo/client';
import { TABLES, type TableKey } from '../../adapters/dynamo/tables';
import { LambdaConnectInvoker } from '../../adapters/invoker/lambda-connect-invoker';
import { SqsSyncQueue } from '../../adapters/queue/sqs-sync-queue';
import { createSecretsManagerVault } from '../../adapters/vault';
import { ENV, readEnv } from '../../core/shared/env';
import type { Services } from '../../core/services';
import { type Adapters, composeServices, once } from './compose';

const tableName = (key: TableKey): string => process.env[TABLES[key].envVar] ?? '';

const tables = (): Adapters['tables'] => ({
  connections: tableName('connections'),
  data: tableName('data'),
  attempts: tableName('attempts'),
  events: tableName('events'),
});

/**
 * Built on the first request of a container and reused by the next ones. Pure: a bundle that
 * imports only readServicesFromEnvironment drops this one and the clients only it uses.
 */
export const servicesFromEnvironment: () => Services = /* @__PURE__ */ once(() =>
  composeServices({
    doc: createDocumentClient(),
    tables: tables(),
    vault: once(() => createSecretsManagerVault()),
    bridge: once(() => createGarminBridge({ transport: 'lambda' })),
    queue: once(() => new SqsSyncQueue(readEnv(ENV.syncQueueUrl))),
    connectWorker: once(() => new LambdaConnectInvoker(readEnv(ENV.connectWorkerFunctionName))),
  }),
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
