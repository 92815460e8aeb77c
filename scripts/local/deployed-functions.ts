/**
 * The functions as deployed, in one process: each with its own adapters and SDK
 * clients (its own identity when the AWS rules are enforced, scripts/local/aws-rules),
 * each invocation cut at its own timeout (infra/sizing.ts). The connect worker is started
 * like an asynchronous Lambda invoke by the connect function; the bridge is invoked by
 * whichever function calls it. Used by the local runtime and the benchmark.
 */
import type { Context } from 'aws-lambda';
import { BatchingBridge, type BatchCapableBridge } from '../../functions/adapters/bridge/batching-bridge';
import { type DynamoDbApi, dynamoDbApi } from '../../functions/adapters/aws/dynamodb-api';
import { type SecretsApi, secretsApi } from '../../functions/adapters/aws/secrets-api';
import type { CallGuard } from '../../functions/adapters/aws/signed-call';
import { createDocumentClient } from '../../functions/adapters/dynamo/client';
import type { TableKey } from '../../functions/adapters/dynamo/tables';
import { type SqsApi, sqsApi } from '../../functions/adapters/aws/sqs-api';
import { SqsSyncQueue } from '../../functions/adapters/queue/sqs-sync-queue';
import { SqsWebhookQueue } from '../../functions/adapters/webhooks/sqs-webhook-queue';
import { createSecretsManagerVault } from '../../functions/adapters/vault';
import { type ApiFunction, routeSpec } from '../../functions/api/routes';
import type { Clock, ConnectJob, ConnectWorkerInvoker } from '../../functions/core/shared/ports';
import type { Services } from '../../functions/core/services';
import type { ApiRequestLimits } from '../../functions/core/shared/request-throttle';
import { composeServices, once } from '../../functions/handlers/commons/compose';
import { type HttpEvent, type HttpResponse, httpHandler } from '../../functions/handlers/commons/http';
import { connectRoutes } from '../../functions/handlers/connect';
import { connectWorker } from '../../functions/handlers/connect-worker';
import { readRoutes } from '../../functions/handlers/read';
import { syncRoutes } from '../../functions/handlers/sync';
import { writeRoutes } from '../../functions/handlers/write';
import { TIMEOUT_SECONDS } from '../../infra/sizing';
import { lambdaContext } from './apigw-events';
import type { AwsRules } from './aws-rules';
import type { FunctionIdentity } from './aws-rules/function-identity';
import { bridgeInvokedBy, checkInvoke, invokeWithTimeout } from './aws-rules/lambda-invoke';
import { functionArn } from './aws-rules/local-resources';
import { awsRulesGuard } from './aws-rules/sdk-middleware';
import { FUNCTION_NAMES, type FunctionName } from './aws-rules/stack-policies';

/** The connect worker invoked like a Lambda Event invoke: accepted now, run in the background. */
export class BackgroundConnectInvoker {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly run: (job: ConnectJob) => Promise<unknown>) {}

  readonly start = async (job: ConnectJob): Promise<void> => {
    const run = this.run(job).catch(() => undefined);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  };

  /** Waits for every worker started so far, including ones started while waiting. */
  async settle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}

export interface DeployedFunction {
  name: FunctionName;
  services: Services;
  timeoutMs: number;
  /** Its AWS clients (its identity when the AWS rules are enforced), for handlers built outside the services (webhook delivery). */
  sqs: SqsApi;
  secretsManager: SecretsApi;
  /** One invocation: a fresh context, cut at the function's timeout like Lambda would. */
  invoke<T>(run: (context: Context) => Promise<T>): Promise<T>;
}

export interface DeployedFunctionsOptions {
  tables: Record<TableKey, string>;
  queueUrl: string;
  /** The webhook delivery queue, when an endpoint is configured: the functions that publish events send to it. */
  webhookQueueUrl?: string;
  /** The keyring secret's ARN, as the deployed functions get it. */
  keyringSecretId: string;
  bridge: BatchCapableBridge;
  clock?: Clock;
  /** Absent: no IAM, no limits (LOCAL_AWS_RULES=off). */
  rules?: AwsRules;
  /** Test seam: timeouts shorter than infra/sizing.ts, to reach them quickly. */
  timeoutsMs?: Partial<Record<FunctionName, number>>;
  /** The per-user API throttle's limits, when not LIMITS.apiRequestsPerWindow (a load generator such as Schemathesis). */
  apiRequestLimits?: ApiRequestLimits;
  /** The backfill's depth, when not LIMITS.backfillDays (a test of a long backfill). */
  backfillDays?: number;
  /** Wraps every function's DynamoDB API (the benchmark meters them). */
  observeDynamo?: (api: DynamoDbApi) => DynamoDbApi;
  /** Before each attempt of a function's DynamoDB call, inside its retries: injected faults (scripts/local/fault-injection.ts). */
  dynamoFaults?: CallGuard;
  /** Told of every SQS call a function makes (the benchmark counts them; an SDK-style retry of one is not told again). */
  onSqsRequest?: (fn: FunctionName, operation: string) => void;
}

export interface DeployedFunctions {
  functions: Record<FunctionName, DeployedFunction>;
  connectWorkers: BackgroundConnectInvoker;
}

export const startDeployedFunctions = (options: DeployedFunctionsOptions): DeployedFunctions => {
  const { rules } = options;
  const arnOf = (fn: FunctionName | 'bridge') => (rules ? functionArn(rules.local, rules.local.functionName(fn)) : fn);
  const timeoutOf = (fn: FunctionName) => options.timeoutsMs?.[fn] ?? TIMEOUT_SECONDS[fn] * 1000;
  const functions = {} as Record<FunctionName, DeployedFunction>;

  const connectWorkers = new BackgroundConnectInvoker((job) =>
    functions.connectWorker.invoke((context) => connectWorker(() => functions.connectWorker.services)(job, context)),
  );
  /** Starting the connect worker as `caller`: Lambda checks the Invoke before it accepts the event. */
  const connectWorkerFor = (caller: FunctionIdentity | undefined): ConnectWorkerInvoker => ({
    start: async (job) => {
      await checkInvoke(caller, arnOf('connectWorker'), JSON.stringify(job), 'Event');
      await connectWorkers.start(job);
    },
  });

  const build = (name: FunctionName): DeployedFunction => {
    const identity = rules?.identities[name];
    const local = rules?.local;
    const rulesGuard = identity && local ? { guard: awsRulesGuard({ identity, local }) } : {};
    // DynamoDB, SQS and Secrets Manager as deployed (signed calls, no SDK client), checked as this function.
    const dynamo = dynamoDbApi({ ...rulesGuard, ...(options.dynamoFaults ? { beforeAttempt: options.dynamoFaults } : {}) });
    const { onSqsRequest } = options;
    const sqs = sqsApi(
      onSqsRequest
        ? {
            guard: async (service, operation, input) => {
              onSqsRequest(name, operation);
              await rulesGuard.guard?.(service, operation, input);
            },
          }
        : rulesGuard,
    );
    const secretsManager = secretsApi(rulesGuard);
    const invoked = identity ? bridgeInvokedBy(identity, options.bridge, arnOf('bridge')) : options.bridge;
    // As deployed (functions/handlers/commons/runtime.ts): the sync worker batches its fetches.
    const bridge = name === 'syncWorker' ? new BatchingBridge(invoked) : invoked;
    const services = composeServices({
      doc: createDocumentClient(options.observeDynamo?.(dynamo) ?? dynamo),
      tables: options.tables,
      ...(options.clock ? { clock: options.clock } : {}),
      vault: once(() => createSecretsManagerVault(options.keyringSecretId, secretsManager)),
      bridge: () => bridge,
      queue: once(() => new SqsSyncQueue(options.queueUrl, sqs)),
      connectWorker: once(() => connectWorkerFor(identity)),
      ...(options.webhookQueueUrl ? { webhooks: new SqsWebhookQueue(options.webhookQueueUrl, sqs) } : {}),
      ...(options.apiRequestLimits ? { apiRequestLimits: options.apiRequestLimits } : {}),
      ...(options.backfillDays !== undefined ? { backfillDays: options.backfillDays } : {}),
    });
    const timeoutMs = timeoutOf(name);
    const functionName = rules?.local.functionName(name) ?? name;
    return {
      name,
      services,
      timeoutMs,
      sqs,
      secretsManager,
      // Without the AWS rules there is no timeout either: the invocation runs as long as it takes.
      invoke: (run) => (rules ? invokeWithTimeout(functionName, timeoutMs, run) : run(lambdaContext(functionName, timeoutMs))),
    };
  };
  for (const name of FUNCTION_NAMES) functions[name] = build(name);
  return { functions, connectWorkers };
};

export interface HttpApi {
  /** One API request, run as an invocation of the function that serves its route. */
  http(event: HttpEvent): Promise<HttpResponse>;
}

/** API Gateway's routes, each integrated with the function that serves it. */
export const httpApiOf = (functions: Record<ApiFunction, DeployedFunction>): HttpApi => {
  const handlers = {
    connect: httpHandler('connect', connectRoutes(() => functions.connect.services), () => functions.connect.services.throttle),
    read: httpHandler('read', readRoutes(() => functions.read.services), () => functions.read.services.throttle),
    sync: httpHandler('sync', { ...syncRoutes(() => functions.sync.services), ...writeRoutes(() => functions.sync.services) }, () => functions.sync.services.throttle),
  };
  return {
    http: (event) => {
      // An unknown route never reaches a function on AWS; the read function answers its 404 here.
      const owner = routeSpec(event.routeKey)?.fn ?? 'read';
      return functions[owner].invoke((context) => handlers[owner](event, context));
    },
  };
};
