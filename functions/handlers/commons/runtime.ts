/** The deployed runtime: services over DynamoDB, Secrets Manager, SQS and Lambda, named by the environment. */
import { createGarminBridge } from '../../adapters/bridge/bridge-client';
import { createDocumentClient } from '../../adapters/dynamo/client';
import { TABLES, type TableKey } from '../../adapters/dynamo/tables';
import { LambdaConnectInvoker } from '../../adapters/invoker/lambda-connect-invoker';
import { SqsSyncQueue } from '../../adapters/queue/sqs-sync-queue';
import { createSecretsManagerVault } from '../../adapters/vault';
import { ENV, readEnv } from '../../core/env';
import type { Services } from '../../core/services';
import { composeServices, once } from './compose';

const tableName = (key: TableKey): string => process.env[TABLES[key].envVar] ?? '';

/** Built on the first request of a container and reused by the next ones. */
export const servicesFromEnvironment: () => Services = once(() =>
  composeServices({
    doc: createDocumentClient(),
    tables: { connections: tableName('connections'), data: tableName('data'), attempts: tableName('attempts'), events: tableName('events') },
    vault: once(() => createSecretsManagerVault()),
    bridge: once(() => createGarminBridge({ transport: 'lambda' })),
    queue: once(() => new SqsSyncQueue(readEnv(ENV.syncQueueUrl))),
    connectWorker: once(() => new LambdaConnectInvoker(readEnv(ENV.connectWorkerFunctionName))),
  }),
);
