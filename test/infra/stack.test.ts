/** The resources and their wiring: tables, functions, bridge, pipeline, API, keyring, alarms, dashboard. */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES, type TableKey, type TableSpec } from '../../functions/adapters/dynamo/tables';
import { ENV } from '../../functions/core/shared/env';
import { LIMITS } from '../../functions/core/shared/limits';
import { METRIC, METRICS_NAMESPACE } from '../../functions/core/shared/metrics';
import { ROUTE_FUNCTIONS as ROUTES } from '../../functions/api/routes';
import { BRIDGE_HANDLER } from '../../infra/constructs/bridge';
import { SERVICE_NAME } from '../../infra/config';
import { MEMORY_MB, SYNC_BATCH_SIZE, SYNC_BATCHING_WINDOW_SECONDS, SYNC_MAX_CONCURRENCY, SYNC_MAX_RECEIVE_COUNT, TIMEOUT_SECONDS } from '../../infra/sizing';
import { type Synthesized, functionIds, idOf, resourcesOf, synth } from './synth';

let s: Synthesized;
let fnIds: Record<string, string>;
beforeAll(() => {
  s = synth();
  fnIds = functionIds(s);
});

const props = (logicalId: string): Record<string, unknown> => {
  const resource = s.json.Resources[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId}`);
  return resource.Properties ?? {};
};
const envOf = (logicalId: string): Record<string, unknown> =>
  ((props(logicalId).Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {});
const getAtt = (logicalId: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attribute] });

const TS_FUNCTIONS = ['connect', 'connectWorker', 'sync', 'syncWorker', 'dispatch', 'read', 'deliverEvents'] as const;

describe('DynamoDB tables (built from TABLES)', () => {
  const tableId = (key: TableKey) => idOf(s, s.stack.storage.tables[key]);

  it('has exactly the three tables', () => {
    expect(resourcesOf(s.json, 'AWS::DynamoDB::Table')).toHaveLength(Object.keys(TABLES).length);
  });

  it.each(Object.keys(TABLES) as TableKey[])('%s: keys, indexes and TTL come from the spec', (key) => {
    const spec: TableSpec = TABLES[key];
    const p = props(tableId(key));
    const keySchema = [
      { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
      ...(spec.sortKey ? [{ AttributeName: spec.sortKey.name, KeyType: 'RANGE' }] : []),
    ];
    expect(p.KeySchema).toEqual(keySchema);
    if (spec.ttlAttribute) {
      expect(p.TimeToLiveSpecification).toEqual({ AttributeName: spec.ttlAttribute, Enabled: true });
    } else {
      expect(p.TimeToLiveSpecification).toBeUndefined();
    }
    const gsis = (p.GlobalSecondaryIndexes ?? []) as Array<{ IndexName: string; KeySchema: unknown }>;
    expect(gsis.map((g) => g.IndexName)).toEqual((spec.globalIndexes ?? []).map((i) => i.name));
    for (const index of spec.globalIndexes ?? []) {
      expect(gsis.find((g) => g.IndexName === index.name)?.KeySchema).toEqual([
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ]);
    }
    const lsis = (p.LocalSecondaryIndexes ?? []) as Array<{ IndexName: string; KeySchema: unknown }>;
    expect(lsis.map((l) => l.IndexName)).toEqual((spec.localIndexes ?? []).map((i) => i.name));
    for (const index of spec.localIndexes ?? []) {
      expect(lsis.find((l) => l.IndexName === index.name)?.KeySchema).toEqual([
        { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ]);
    }
  });

  it.each(Object.keys(TABLES) as TableKey[])('%s: on-demand, PITR, KMS encryption, retained, deletion-protected', (key) => {
    const id = tableId(key);
    const p = props(id);
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    // SSEEnabled without a key: KMS with the AWS-managed aws/dynamodb key (not the default owned key).
    expect(p.SSESpecification).toEqual({ SSEEnabled: true });
    expect(p.DeletionProtectionEnabled).toBe(true);
    expect(s.json.Resources[id]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('the due index is keys-only (dispatch reads keys only)', () => {
    const gsis = props(tableId('connections')).GlobalSecondaryIndexes as Array<{ Projection: unknown }>;
    expect(gsis[0]?.Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
  });
});

describe('TypeScript functions', () => {
  it.each(TS_FUNCTIONS)('%s: Node 22 on arm64, ESM bundle, its own log group with retention', (name) => {
    const p = props(fnIds[name]!);
    expect(p).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
    expect(p.Timeout).toBe(TIMEOUT_SECONDS[name]);
    expect(p.MemorySize).toBe(MEMORY_MB[name]);
    const logGroup = (p.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(s.json.Resources[logGroup]?.Type).toBe('AWS::Logs::LogGroup');
    expect(props(logGroup).RetentionInDays).toBe(30);
  });

  it.each(TS_FUNCTIONS)('%s: Powertools environment; the source map is not loaded at a cold start', (name) => {
    expect(envOf(fnIds[name]!).NODE_OPTIONS).toBeUndefined();
    expect(envOf(fnIds[name]!)).toMatchObject({
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
  });

  it('each function gets the variables of env.ts it uses, and no others', () => {
    const tables = [ENV.connectionsTable, ENV.dataTable, ENV.attemptsTable, ENV.eventsTable];
    const expected: Record<(typeof TS_FUNCTIONS)[number], string[]> = {
      connect: [...tables, ENV.keyringSecretId, ENV.bridgeFunctionName, ENV.syncQueueUrl, ENV.connectWorkerFunctionName],
      connectWorker: [...tables, ENV.keyringSecretId, ENV.bridgeFunctionName, ENV.syncQueueUrl],
      sync: [...tables, ENV.keyringSecretId, ENV.bridgeFunctionName, ENV.syncQueueUrl],
      syncWorker: [...tables, ENV.keyringSecretId, ENV.bridgeFunctionName, ENV.syncQueueUrl],
      dispatch: [...tables, ENV.syncQueueUrl],
      read: tables,
      // No webhookUrl configured here: no WEBHOOK_URL, and nobody is given the delivery queue to publish to.
      deliverEvents: [...tables, ENV.webhookSecretId, ENV.webhookQueueUrl, ENV.webhookDeadLetterQueueUrl],
    };
    const envNames = new Set<string>(Object.values(ENV));
    for (const name of TS_FUNCTIONS) {
      const fromEnvTs = Object.keys(envOf(fnIds[name]!)).filter((key) => envNames.has(key));
      expect(fromEnvTs.sort(), name).toEqual([...expected[name]].sort());
    }
  });

  it('variables point at the right resources', () => {
    const connect = envOf(fnIds.connect!);
    expect(connect[ENV.connectWorkerFunctionName]).toEqual({ Ref: fnIds.connectWorker });
    expect(connect[ENV.bridgeFunctionName]).toEqual({ Ref: fnIds.bridge });
    expect(connect[ENV.syncQueueUrl]).toEqual({ Ref: idOf(s, s.stack.pipeline.queue) });
    expect(connect[ENV.keyringSecretId]).toEqual({ Ref: idOf(s, s.stack.keyring.secret) });
    for (const key of Object.keys(TABLES) as TableKey[]) {
      expect(connect[TABLES[key].envVar]).toEqual({ Ref: idOf(s, s.stack.storage.tables[key]) });
    }
  });

  it('no function anywhere sets GARMIN_BASE_URL (the simulator seam)', () => {
    for (const [id, fn] of resourcesOf(s.json, 'AWS::Lambda::Function')) {
      expect(Object.keys(envOf(id)), id).not.toContain(ENV.garminBaseUrl);
      expect(JSON.stringify(fn.Properties), id).not.toContain(ENV.garminBaseUrl);
    }
  });

  it('timeouts: the sync functions end before their lease, connect outlasts its wait', () => {
    expect(TIMEOUT_SECONDS.syncWorker).toBeLessThan(LIMITS.leaseTtlSeconds);
    expect(TIMEOUT_SECONDS.sync).toBeLessThan(LIMITS.leaseTtlSeconds);
    expect(TIMEOUT_SECONDS.connect * 1000).toBeGreaterThan(LIMITS.connectWaitMs);
    expect(TIMEOUT_SECONDS.connectWorker).toBeGreaterThan(LIMITS.mfaWaitSeconds);
  });

  it('functions that read the keyring are created after it is initialised', () => {
    const ready = idOf(s, s.stack.keyring.ready);
    for (const name of ['connect', 'connectWorker', 'sync', 'syncWorker'] as const) {
      expect(s.json.Resources[fnIds[name]!]?.DependsOn, name).toContain(ready);
    }
  });
});

describe('Garmin bridge', () => {
  it('is Python 3.13 on arm64 with the layer, 15 minutes', () => {
    const p = props(fnIds.bridge!);
    expect(p).toMatchObject({ Runtime: 'python3.13', Architectures: ['arm64'], Handler: BRIDGE_HANDLER, Timeout: 900 });
    expect(p.Layers).toEqual([{ Ref: idOf(s, s.stack.bridge.layer) }]);
    expect(props(idOf(s, s.stack.bridge.layer))).toMatchObject({
      CompatibleRuntimes: ['python3.13'],
      CompatibleArchitectures: ['arm64'],
    });
  });

  it('gets only the attempts table and a log level', () => {
    expect(envOf(fnIds.bridge!)).toEqual({
      [TABLES.attempts.envVar]: { Ref: idOf(s, s.stack.storage.tables.attempts) },
      LOG_LEVEL: 'INFO',
    });
  });

  it('has its own log group with retention', () => {
    const logGroup = (props(fnIds.bridge!).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(props(logGroup).RetentionInDays).toBe(30);
  });
});

describe('sync pipeline', () => {
  it('sync queue: visibility 6 × worker timeout plus the batching window, redrive to the DLQ, SSE', () => {
    const queue = props(idOf(s, s.stack.pipeline.queue));
    expect(queue.VisibilityTimeout).toBe(6 * TIMEOUT_SECONDS.syncWorker + SYNC_BATCHING_WINDOW_SECONDS);
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: getAtt(idOf(s, s.stack.pipeline.deadLetterQueue)),
      maxReceiveCount: SYNC_MAX_RECEIVE_COUNT,
    });
    expect(SYNC_MAX_RECEIVE_COUNT).toBe(5);
  });

  it('every queue is encrypted and refuses non-TLS requests', () => {
    const queues = resourcesOf(s.json, 'AWS::SQS::Queue');
    // Sync jobs + DLQ, connect failures, webhook deliveries + DLQ.
    expect(queues).toHaveLength(5);
    for (const [id, queue] of queues) {
      expect(queue.Properties?.SqsManagedSseEnabled, id).toBe(true);
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('the sync worker consumes the queue in batches of 10 jobs, at most 10 batches at once, with partial failures', () => {
    // The other mapping feeds webhook delivery (test/infra/webhooks.test.ts).
    s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnIds.syncWorker },
      EventSourceArn: getAtt(idOf(s, s.stack.pipeline.queue)),
      BatchSize: SYNC_BATCH_SIZE,
      MaximumBatchingWindowInSeconds: SYNC_BATCHING_WINDOW_SECONDS,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: SYNC_MAX_CONCURRENCY },
    });
  });

  it('the connect worker is never retried and its failures go to a queue', () => {
    s.template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnIds.connectWorker },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: LIMITS.attemptTtlSeconds,
      DestinationConfig: { OnFailure: { Destination: getAtt(idOf(s, s.stack.pipeline.connectFailures)) } },
    });
  });

  it('EventBridge Scheduler runs dispatch every 5 minutes, without retries', () => {
    s.template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Target: { Arn: getAtt(fnIds.dispatch!), RetryPolicy: { MaximumRetryAttempts: 0 } },
    });
    expect(5 * 60).toBeLessThanOrEqual(LIMITS.syncIntervalSeconds);
  });
});

describe('HTTP API', () => {
  const routes = () => resourcesOf(s.json, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties as Record<string, unknown>);

  it('has exactly the routes of the contract', () => {
    expect(routes().map((r) => r.RouteKey).sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it('every route requires the JWT authorizer and reaches its function', () => {
    const integrationTarget = (integrationRef: unknown): unknown => {
      const id = ((integrationRef as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1][1] as { Ref: string }).Ref;
      return props(id).IntegrationUri;
    };
    const authorizer = resourcesOf(s.json, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer).toHaveLength(1);
    for (const route of routes()) {
      expect(route.AuthorizationType, String(route.RouteKey)).toBe('JWT');
      expect(route.AuthorizerId).toEqual({ Ref: authorizer[0]![0] });
      const target = ROUTES[route.RouteKey as keyof typeof ROUTES];
      expect(target, String(route.RouteKey)).toBeDefined();
      expect(integrationTarget(route.Target), String(route.RouteKey)).toEqual(getAtt(fnIds[target!]!));
    }
  });

  it('without an issuer of its own, trusts a Cognito user pool and its public app client', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: getAtt(idOf(s, s.stack.api.userPool!), 'ProviderURL'),
        Audience: [{ Ref: idOf(s, s.stack.api.userPoolClient!) }],
      },
    });
    s.template.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false });
    s.template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
  });

  it('the $default stage throttles and writes JSON access logs to a log group with retention', () => {
    const stages = resourcesOf(s.json, 'AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    const stage = stages[0]![1].Properties as {
      StageName: string;
      AutoDeploy: boolean;
      DefaultRouteSettings: unknown;
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [string, string] }; Format: string };
    };
    expect(stage.StageName).toBe('$default');
    expect(stage.AutoDeploy).toBe(true);
    expect(stage.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    const logGroup = stage.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
    expect(props(logGroup).RetentionInDays).toBe(30);
    expect(JSON.parse(stage.AccessLogSettings.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });

  it('only API Gateway may invoke the API functions, and only those', () => {
    const permissions = resourcesOf(s.json, 'AWS::Lambda::Permission').map(([, p]) => p.Properties as { Principal: string; FunctionName: unknown });
    expect(permissions).toHaveLength(Object.keys(ROUTES).length);
    for (const permission of permissions) {
      expect(permission.Principal).toBe('apigateway.amazonaws.com');
      expect([getAtt(fnIds.connect!), getAtt(fnIds.sync!), getAtt(fnIds.read!)]).toContainEqual(permission.FunctionName);
    }
  });
});

describe('keyring secret', () => {
  it('one secret, generated at deploy, retained', () => {
    // The other one signs webhooks (test/infra/webhooks.test.ts).
    s.template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    const id = idOf(s, s.stack.keyring.secret);
    expect(s.json.Resources[id]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(props(id).GenerateSecretString).toBeDefined();
    expect(props(id).SecretString).toBeUndefined();
  });

  it('a custom resource puts the keyring into it at deploy', () => {
    s.template.hasResourceProperties('Custom::VaultKeyring', {
      ServiceToken: getAtt(idOf(s, s.stack.keyring.node.findChild('InitFunction').node.findChild('Function'))),
      SecretId: { Ref: idOf(s, s.stack.keyring.secret) },
    });
  });
});

describe('alarms and dashboard', () => {
  interface AlarmProps {
    MetricName: string;
    Namespace: string;
    Dimensions: unknown;
    Threshold: number;
    AlarmActions: unknown;
    AlarmDescription: string;
  }
  const alarms = () => resourcesOf(s.json, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties as unknown as AlarmProps);
  const topicRef = () => ({ Ref: idOf(s, s.stack.observability.topic) });

  it('every function has an Errors and a Throttles alarm', () => {
    for (const [name, id] of Object.entries(fnIds)) {
      for (const metric of ['Errors', 'Throttles']) {
        const found = alarms().filter(
          (a) => a.MetricName === metric && a.Namespace === 'AWS/Lambda' && JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: id } }]),
        );
        expect(found, `${name} ${metric}`).toHaveLength(1);
      }
    }
  });

  it('both dead-letter queues have a depth alarm', () => {
    for (const queue of [s.stack.pipeline.deadLetterQueue, s.stack.pipeline.connectFailures]) {
      const found = alarms().filter(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: getAtt(idOf(s, queue), 'QueueName') }]),
      );
      expect(found).toHaveLength(1);
      expect(found[0]?.Threshold).toBe(1);
    }
  });

  it('every alarm notifies the one SNS topic, which is an output', () => {
    s.template.resourceCountIs('AWS::SNS::Topic', 1);
    for (const alarm of alarms()) expect(alarm.AlarmActions, alarm.AlarmDescription).toEqual([topicRef()]);
    s.template.hasOutput('AlarmTopicArn', { Value: topicRef() });
  });

  it('the dashboard shows every product metric under the Powertools namespace and service dimension', () => {
    const [dashboard] = resourcesOf(s.json, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard![1].Properties?.DashboardBody);
    expect(body).toContain(METRICS_NAMESPACE);
    expect(body).toContain(`\\"service\\",\\"${SERVICE_NAME}\\"`);
    for (const name of Object.values(METRIC)) expect(body, name).toContain(`\\"${name}\\"`);
    for (const basic of ['AWS/Lambda', 'AWS/SQS', 'AWS/ApiGateway']) expect(body).toContain(basic);
  });
});

describe('outputs', () => {
  it.each(['ApiUrl', 'JwtIssuer', 'JwtAudience', 'UserPoolId', 'UserPoolClientId', 'AlarmTopicArn', 'DashboardName', 'KeyringSecretArn'])(
    '%s',
    (name) => {
      expect(s.json.Outputs?.[name]).toBeDefined();
    },
  );
});
