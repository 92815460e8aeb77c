/**
 * The HTTP API: every route behind a JWT authorizer (the handlers take the caller's
 * identity from the verified token's `sub` only), stage-wide throttling and JSON access
 * logs. Without an issuer of the app's own, a Cognito user pool issues the tokens.
 */
import {
  Duration,
  RemovalPolicy,
  Validations,
  aws_apigateway as restapi,
  aws_apigatewayv2 as apigw,
  aws_apigatewayv2_authorizers as authorizers,
  aws_apigatewayv2_integrations as integrations,
  aws_cognito as cognito,
  aws_logs as logs,
  type aws_lambda as lambda,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { type ApiFunction, ROUTE_FUNCTIONS } from '../../functions/api/routes';

export interface ApiProps {
  functions: Record<ApiFunction, lambda.IFunction>;
  jwtIssuer?: string;
  jwtAudience?: string[];
  throttle: { rateLimit: number; burstLimit: number };
  corsAllowOrigins?: string[];
  cognitoDomainPrefix?: string;
  cognitoCallbackUrls?: string[];
  /** Built-in pool: anyone may sign up (default false: the operator creates the users). */
  cognitoSelfSignUp?: boolean;
  logRetention: logs.RetentionDays;
}

/** One JSON line per request; no body, header or token is ever logged. */
const ACCESS_LOG_FORMAT = restapi.AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationStatus: '$context.integrationStatus',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly issuer: string;
  readonly audience: string[];
  readonly userPool?: cognito.UserPool;
  readonly userPoolClient?: cognito.UserPoolClient;
  hostedUiDomain?: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    if (props.jwtIssuer && props.jwtAudience?.length) {
      this.issuer = props.jwtIssuer;
      this.audience = props.jwtAudience;
    } else {
      const { userPool, client } = this.createUserPool(props);
      this.userPool = userPool;
      this.userPoolClient = client;
      this.issuer = userPool.userPoolProviderUrl;
      // Cognito access tokens carry `client_id` instead of `aud`; API Gateway checks either.
      this.audience = [client.userPoolClientId];
    }

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Garmin sync backend',
      createDefaultStage: false,
      defaultAuthorizer: new authorizers.HttpJwtAuthorizer('Jwt', this.issuer, { jwtAudience: this.audience }),
      ...(props.corsAllowOrigins?.length
        ? {
            corsPreflight: {
              allowOrigins: props.corsAllowOrigins,
              allowMethods: [apigw.CorsHttpMethod.GET, apigw.CorsHttpMethod.POST, apigw.CorsHttpMethod.PATCH, apigw.CorsHttpMethod.DELETE],
              allowHeaders: ['authorization', 'content-type'],
              exposeHeaders: ['retry-after'],
              maxAge: Duration.days(1),
            },
          }
        : {}),
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      // A ceiling for the whole API; per-user Garmin limits are enforced by the functions.
      throttle: props.throttle,
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    const integrationOf: Record<ApiFunction, integrations.HttpLambdaIntegration> = {
      connect: new integrations.HttpLambdaIntegration('Connect', props.functions.connect),
      sync: new integrations.HttpLambdaIntegration('Sync', props.functions.sync),
      read: new integrations.HttpLambdaIntegration('Read', props.functions.read),
    };
    // The route table (functions/api/routes.ts): route key → the function that serves it.
    for (const [routeKey, target] of Object.entries(ROUTE_FUNCTIONS)) {
      const [method, path] = routeKey.split(' ') as [keyof typeof apigw.HttpMethod, string];
      this.httpApi.addRoutes({ path, methods: [apigw.HttpMethod[method]], integration: integrationOf[target] });
    }
  }

  /** The API's base URL (the `$default` stage). */
  get url(): string {
    return this.stage.url;
  }

  private createUserPool(props: ApiProps): { userPool: cognito.UserPool; client: cognito.UserPoolClient } {
    const userPool = new cognito.UserPool(this, 'UserPool', {
      // Closed by default: the operator creates the users (docs/deploy.md). An open pool would let
      // anyone use this service's IP addresses to try Garmin passwords (issue 10).
      selfSignUpEnabled: props.cognitoSelfSignUp === true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Users may turn on TOTP; forcing it is the app's product decision (see the acknowledgement below).
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      // The user pool's `sub` is the user id every table is keyed by: losing the pool orphans all data.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    Validations.of(userPool.node.defaultChild as cognito.CfnUserPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is offered (TOTP, optional). Requiring it for every app user is the app owner\'s product decision; apps with stricter needs bring their own IdP (jwtIssuer/jwtAudience).',
    });
    Validations.of(userPool.node.defaultChild as cognito.CfnUserPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Threat protection needs the Cognito Plus plan, billed per monthly active user; this fallback pool uses Essentials (free up to 10,000 MAU). Deployments that need it switch featurePlan to PLUS or bring their own IdP (jwtIssuer/jwtAudience).',
    });
    const client = userPool.addClient('AppClient', {
      // A mobile or browser app cannot keep a client secret.
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      // Hosted UI only when asked for: authorization code (+PKCE) to the app's own redirect URIs.
      // Otherwise OAuth stays off (CDK's default would allow the implicit grant to example.com).
      ...(props.cognitoDomainPrefix && props.cognitoCallbackUrls?.length
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true },
              scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
              callbackUrls: props.cognitoCallbackUrls,
              logoutUrls: props.cognitoCallbackUrls,
            },
          }
        : { disableOAuth: true }),
    });
    if (props.cognitoDomainPrefix) {
      this.hostedUiDomain = userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: props.cognitoDomainPrefix } });
    }
    return { userPool, client };
  }
}
