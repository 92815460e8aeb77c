/**
 * The six TypeScript functions, each with exactly the permissions its code path needs.
 * Derived by reading handler → service → adapter (functions/core/services,
 * functions/adapters/dynamo); the table below is the audit trail:
 *
 * | function       | connections            | data                                   | attempts                          | other |
 * |----------------|------------------------|----------------------------------------|-----------------------------------|-------|
 * | connect        | Get, Update, Delete    | Get, Put (rate limit), Update (API throttle), Query+BatchWrite (erase) | Put, Get, Update, Query+BatchWrite | keyring, invoke connect-worker + bridge, SendMessage |
 * | connect-worker | Get, Update            | Query+BatchWrite (new account erases old data) | Get, Update, ConditionCheck | keyring, invoke bridge, SendMessage (backfill) |
 * | sync, sync-wkr | Get, Update            | Get, Put, Delete (lease), Update (Garmin budget/breaker), Query+BatchWrite (erase on disconnect race), Query `by_start` (changed activities) | –  | keyring, invoke bridge, SendMessage (backfill) |
 * | dispatch       | Query `due`, Update    | Get, Update (Garmin budget/breaker)    | –                                 | SendMessage |
 * | read           | Get                    | Get, Query (+ `by_start`), Update (API throttle) | –                                 | – |
 *
 * Connection "put" is an UpdateItem (connection-store.ts), the lease and rate-limit logs
 * are Put/Delete on the data table, a user's erasure is a keys-only Query + BatchWriteItem.
 */
import type { aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ENV } from '../../functions/core/shared/env';
import { MEMORY_MB, TIMEOUT_SECONDS } from '../sizing';
import type { Bridge } from './bridge';
import { allow, allowInvoke, allowTable } from './iam';
import type { Keyring } from './keyring';
import type { SyncPipeline } from './pipeline';
import type { Storage } from './storage';
import { TsFunction, handlerEntry } from './ts-function';
import type { Webhooks } from './webhooks';

export interface AppFunctionsProps {
  storage: Storage;
  keyring: Keyring;
  bridge: Bridge;
  pipeline: SyncPipeline;
  webhooks: Webhooks;
  /** The app's webhook endpoint; without it events go to the change feed only. */
  webhookUrl?: string;
  logRetention: logs.RetentionDays;
}

type Sized = keyof typeof TIMEOUT_SECONDS & keyof typeof MEMORY_MB;

/** The TypeScript functions by name (the keys of AppFunctions.all()). */
export const FUNCTION_NAMES = ['connect', 'connectWorker', 'sync', 'syncWorker', 'dispatch', 'read', 'deliverEvents'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export class AppFunctions extends Construct {
  readonly connect: TsFunction;
  readonly connectWorker: TsFunction;
  readonly sync: TsFunction;
  readonly syncWorker: TsFunction;
  readonly dispatch: TsFunction;
  readonly read: TsFunction;
  readonly deliverEvents: TsFunction;

  constructor(scope: Construct, id: string, props: AppFunctionsProps) {
    super(scope, id);
    const { storage, keyring, bridge, pipeline, webhooks } = props;
    const { connections, data, attempts, events } = storage.tables;

    // Every function gets all three table names: the shared composition builds all stores
    // (handlers/commons/compose.ts). Access is what IAM below allows, not what env names.
    const tablesEnv = storage.tableEnvironment();
    const vaultEnv = { [ENV.keyringSecretId]: keyring.secret.secretArn };
    const bridgeEnv = { [ENV.bridgeFunctionName]: bridge.fn.functionName };
    // The functions that publish events hand them to delivery only when there is an endpoint.
    const queueEnv = {
      [ENV.syncQueueUrl]: pipeline.queue.queueUrl,
      ...(props.webhookUrl ? { [ENV.webhookQueueUrl]: webhooks.queue.queueUrl } : {}),
    };

    const make = (id: string, entry: string, size: Sized, description: string, env: Record<string, string>): TsFunction =>
      new TsFunction(this, id, {
        entry: handlerEntry(entry),
        name: entry,
        description,
        timeoutSeconds: TIMEOUT_SECONDS[size],
        memoryMb: MEMORY_MB[size],
        environment: { ...tablesEnv, ...env },
        logRetention: props.logRetention,
      });

    this.connectWorker = make('ConnectWorker', 'connect-worker', 'connectWorker', 'Runs one Garmin login (MFA included) for a connect attempt', {
      ...vaultEnv,
      ...bridgeEnv,
      ...queueEnv,
    });
    this.connect = make('Connect', 'connect', 'connect', 'HTTP: connect, attempts, MFA codes, disconnect', {
      ...vaultEnv,
      ...bridgeEnv,
      ...queueEnv,
      [ENV.connectWorkerFunctionName]: this.connectWorker.fn.functionName,
    });
    this.sync = make('Sync', 'sync', 'sync', 'HTTP: manual sync', { ...vaultEnv, ...bridgeEnv, ...queueEnv });
    this.syncWorker = make('SyncWorker', 'sync-worker', 'syncWorker', 'One queued sync per invocation', {
      ...vaultEnv,
      ...bridgeEnv,
      ...queueEnv,
    });
    this.dispatch = make('Dispatch', 'dispatch', 'dispatch', 'Scheduled: claims due connections and queues their syncs', {
      [ENV.syncQueueUrl]: pipeline.queue.queueUrl,
    });
    this.read = make('Read', 'read', 'read', 'HTTP: connection, activities, daily summaries, profile, change feed (reads only)', {});
    this.deliverEvents = make('DeliverEvents', 'deliver-events', 'deliverEvents', 'Delivers events to the app\'s webhook endpoint (Standard Webhooks)', {
      ...(props.webhookUrl ? { [ENV.webhookUrl]: props.webhookUrl } : {}),
      [ENV.webhookSecretId]: webhooks.secret.secretArn,
      [ENV.webhookQueueUrl]: webhooks.queue.queueUrl,
      [ENV.webhookDeadLetterQueueUrl]: webhooks.deadLetterQueue.queueUrl,
    });

    // connect
    allowTable(this.connect.role, connections, ['GetItem', 'UpdateItem', 'DeleteItem']);
    // UpdateItem: the per-user API throttle's counter (request-counter.ts), on every API function.
    allowTable(this.connect.role, data, ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchWriteItem']);
    allowTable(this.connect.role, attempts, ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchWriteItem']);
    allowInvoke(this.connect.role, this.connectWorker.fn);
    allowInvoke(this.connect.role, bridge.fn);

    // connect-worker
    // ConditionCheckItem: the connection is written only while its attempt still runs (one transaction).
    allowTable(this.connectWorker.role, attempts, ['GetItem', 'UpdateItem', 'ConditionCheckItem']);
    allowTable(this.connectWorker.role, connections, ['GetItem', 'UpdateItem']);
    // Query+BatchWrite: a new account erases the old data; Get+Put: the service-wide login block (login-gate.ts).
    allowTable(this.connectWorker.role, data, ['GetItem', 'PutItem', 'Query', 'BatchWriteItem']);
    allowInvoke(this.connectWorker.role, bridge.fn);

    // sync and sync-worker: the same SyncService
    for (const fn of [this.sync, this.syncWorker]) {
      allowTable(fn.role, connections, ['GetItem', 'UpdateItem']);
      // `by_start`: the activities changed in the reconcile window (SyncService.changedActivities).
      allowTable(fn.role, data, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchWriteItem'], ['by_start']);
      allowInvoke(fn.role, bridge.fn);
    }

    // dispatch: the `due` index and the claim, nothing else of the table
    allowTable(this.dispatch.role, connections, ['UpdateItem'], ['due']);
    // The service-wide Garmin request budget and circuit breaker (the data table's `__system__` items).
    allowTable(this.dispatch.role, data, ['GetItem', 'UpdateItem']);

    // read: reads only, but for the per-user API throttle's counter (UpdateItem of a `__rate__#` item)
    allowTable(this.read.role, connections, ['GetItem']);
    allowTable(this.read.role, data, ['GetItem', 'UpdateItem', 'Query'], ['by_start']);
    allowTable(this.read.role, events, ['Query']);

    // Events: appended by whoever connects, syncs or disconnects (the counter read, then one
    // transaction of Update + Puts); a disconnect erases the user's feed (Query + BatchWrite).
    for (const fn of [this.connect, this.connectWorker, this.sync, this.syncWorker]) {
      allowTable(fn.role, events, fn === this.connect ? ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchWriteItem'] : ['GetItem', 'PutItem', 'UpdateItem']);
      allow(fn.role, ['sqs:SendMessage'], [webhooks.queue.queueArn]);
    }

    // deliver-events: the signing secret, the dead-letter queue.
    // (The visibility of its own queue's messages is the event source mapping's grant.)
    allow(this.deliverEvents.role, ['secretsmanager:GetSecretValue'], [webhooks.secret.secretArn]);
    allow(this.deliverEvents.role, ['sqs:SendMessage'], [webhooks.deadLetterQueue.queueArn]);

    for (const fn of [this.connect, this.connectWorker, this.sync, this.syncWorker]) {
      keyring.grantRead(fn.role);
      // No function runs before the keyring exists.
      fn.fn.node.addDependency(keyring.ready);
    }
    for (const fn of [this.connect, this.connectWorker, this.sync, this.syncWorker, this.dispatch]) {
      allow(fn.role, ['sqs:SendMessage'], [pipeline.queue.queueArn]);
    }
  }

  all(): Record<FunctionName, TsFunction> {
    return {
      connect: this.connect,
      connectWorker: this.connectWorker,
      sync: this.sync,
      syncWorker: this.syncWorker,
      dispatch: this.dispatch,
      read: this.read,
      deliverEvents: this.deliverEvents,
    };
  }
}
