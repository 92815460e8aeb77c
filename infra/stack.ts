/**
 * The whole backend in one stack:
 *   app → HTTP API (JWT) → connect / sync / read
 *   connect → (async) connect-worker → bridge;  sync, sync-worker → bridge
 *   Scheduler → dispatch → SQS (+DLQ) → sync-worker
 *   connect / sync → events (change feed) → SQS (+DLQ) → deliver-events → the app's webhook endpoint
 *   DynamoDB (from TABLES), the keyring and webhook-signing secrets, alarms → SNS, a dashboard.
 */
import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULTS, type GarminSyncStackProps, validateConfig } from './config';
import { Api } from './constructs/api';
import { Bridge } from './constructs/bridge';
import { AppFunctions } from './constructs/functions';
import { Keyring } from './constructs/keyring';
import { Observability } from './constructs/observability';
import { SyncPipeline } from './constructs/pipeline';
import { Storage } from './constructs/storage';
import { Webhooks } from './constructs/webhooks';
import { checkSizing } from './sizing';

export class GarminSyncStack extends Stack {
  readonly storage: Storage;
  readonly keyring: Keyring;
  readonly bridge: Bridge;
  readonly pipeline: SyncPipeline;
  readonly webhooks: Webhooks;
  readonly functions: AppFunctions;
  readonly api: Api;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: GarminSyncStackProps = {}) {
    super(scope, id, props);
    validateConfig(props);
    checkSizing();
    const logRetention = props.logRetention ?? DEFAULTS.logRetention;

    this.storage = new Storage(this, 'Storage');
    this.keyring = new Keyring(this, 'Keyring', { logRetention });
    this.bridge = new Bridge(this, 'Bridge', {
      attemptsTable: this.storage.tables.attempts,
      logRetention,
      skipLayerBuild: props.skipLayerBuild ?? false,
      ...(props.python ? { python: props.python } : {}),
      ...(props.bridgeReservedConcurrency ? { reservedConcurrency: props.bridgeReservedConcurrency } : {}),
    });
    this.pipeline = new SyncPipeline(this, 'Pipeline');
    this.webhooks = new Webhooks(this, 'Webhooks');
    this.functions = new AppFunctions(this, 'Functions', {
      storage: this.storage,
      keyring: this.keyring,
      bridge: this.bridge,
      pipeline: this.pipeline,
      webhooks: this.webhooks,
      ...(props.webhookUrl ? { webhookUrl: props.webhookUrl } : {}),
      logRetention,
    });
    this.webhooks.attach(this.functions.deliverEvents.fn);
    this.pipeline.attach({
      dispatch: this.functions.dispatch.fn,
      syncWorker: this.functions.syncWorker.fn,
      connectWorker: this.functions.connectWorker.fn,
    });
    this.api = new Api(this, 'Api', {
      functions: { connect: this.functions.connect.fn, sync: this.functions.sync.fn, read: this.functions.read.fn },
      throttle: props.apiThrottle ?? DEFAULTS.apiThrottle,
      logRetention,
      ...(props.jwtIssuer ? { jwtIssuer: props.jwtIssuer } : {}),
      ...(props.jwtAudience ? { jwtAudience: props.jwtAudience } : {}),
      ...(props.corsAllowOrigins ? { corsAllowOrigins: props.corsAllowOrigins } : {}),
      ...(props.cognitoDomainPrefix ? { cognitoDomainPrefix: props.cognitoDomainPrefix } : {}),
      ...(props.cognitoCallbackUrls ? { cognitoCallbackUrls: props.cognitoCallbackUrls } : {}),
      ...(props.cognitoSelfSignUp ? { cognitoSelfSignUp: true } : {}),
    });

    const monitored = Object.fromEntries(Object.entries(this.functions.all()).map(([name, f]) => [name, f.fn]));
    this.observability = new Observability(this, 'Observability', {
      functions: { ...monitored, bridge: this.bridge.fn },
      syncQueue: this.pipeline.queue,
      deadLetterQueues: {
        SyncDeadLetters: this.pipeline.deadLetterQueue,
        ConnectFailures: this.pipeline.connectFailures,
        WebhookDeadLetters: this.webhooks.deadLetterQueue,
      },
      httpApi: this.api.httpApi,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('ApiUrl', this.api.url, 'Base URL of the HTTP API (routes under /garmin/...)');
    output('JwtIssuer', this.api.issuer, 'Issuer the API trusts');
    output('JwtAudience', this.api.audience.join(','), 'Audiences (aud or Cognito client_id) the API accepts');
    if (this.api.userPool && this.api.userPoolClient) {
      output('UserPoolId', this.api.userPool.userPoolId, 'Cognito user pool issuing the app users\' tokens');
      output('UserPoolClientId', this.api.userPoolClient.userPoolClientId, 'Cognito app client id (public client, no secret)');
    }
    if (this.api.hostedUiDomain) {
      output('HostedUiBaseUrl', this.api.hostedUiDomain.baseUrl(), 'Cognito hosted UI (OAuth authorize/token endpoints live under it)');
    }
    output('AlarmTopicArn', this.observability.topic.topicArn, 'SNS topic every alarm notifies: subscribe to it');
    output('DashboardName', this.observability.dashboard.dashboardName, 'CloudWatch dashboard');
    output('KeyringSecretArn', this.keyring.secret.secretArn, 'Vault keyring secret (rotate with keyring-cli, docs/deploy.md)');
    output('SyncQueueUrl', this.pipeline.queue.queueUrl, 'Sync job queue');
    output('SyncDeadLetterQueueUrl', this.pipeline.deadLetterQueue.queueUrl, 'Sync jobs that failed 5 times');
    output('ConnectFailuresQueueUrl', this.pipeline.connectFailures.queueUrl, 'Connect-worker invocations that failed');
    output('BridgeFunctionName', this.bridge.fn.functionName, 'Python bridge function');
    output('WebhookSecretArn', this.webhooks.secret.secretArn, 'Webhook signing secrets (the app verifies with whsec_<current>; rotate with webhooks-cli.ts)');
    output('WebhookQueueUrl', this.webhooks.queue.queueUrl, 'Events waiting for delivery to the webhook endpoint');
    output('WebhookDeadLetterQueueUrl', this.webhooks.deadLetterQueue.queueUrl, 'Events not delivered within the retry window: replay with webhooks-cli.ts replay');
  }
}
