/** Deploy-time configuration: the app's own JWT issuer, context parsing, and the sizing invariants. */
import { beforeAll, describe, expect, it } from 'vitest';
import { configFromContext, validateConfig } from '../../infra/config';
import { checkSizing } from '../../infra/sizing';
import { type Synthesized, resourcesOf, synth } from './synth';

const ISSUER = 'https://auth.example.com/';

describe('with the app\'s own identity provider', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({ jwtIssuer: ISSUER, jwtAudience: 'mobile-app, web-app', alarmEmail: 'ops@example.com', corsAllowOrigins: 'https://app.example.com' });
  });

  it('the authorizer trusts that issuer and those audiences', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: ISSUER, Audience: ['mobile-app', 'web-app'] },
    });
  });

  it('creates no Cognito user pool', () => {
    expect(resourcesOf(s.json, 'AWS::Cognito::UserPool')).toEqual([]);
    expect(resourcesOf(s.json, 'AWS::Cognito::UserPoolClient')).toEqual([]);
    expect(s.json.Outputs?.UserPoolId).toBeUndefined();
    expect(s.json.Outputs?.JwtIssuer).toMatchObject({ Value: ISSUER });
  });

  it('subscribes the alarm e-mail and allows the CORS origin', () => {
    s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: { AllowOrigins: ['https://app.example.com'], AllowHeaders: ['authorization', 'content-type'] },
    });
  });
});

describe('built-in Cognito', () => {
  it('lets nobody sign up by default: only the operator creates users (issue 10)', () => {
    const s = synth();
    s.template.hasResourceProperties('AWS::Cognito::UserPool', { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
  });

  it('opens sign-up only when asked (cognitoSelfSignUp=true), and refuses that with an own issuer', () => {
    const s = synth({ cognitoSelfSignUp: 'true' });
    s.template.hasResourceProperties('AWS::Cognito::UserPool', { AdminCreateUserConfig: { AllowAdminCreateUserOnly: false } });
    expect(() =>
      validateConfig(configFromContext((key) => ({ jwtIssuer: 'https://idp.example.com/', jwtAudience: 'a', cognitoSelfSignUp: 'true' })[key])),
    ).toThrow(/cognitoSelfSignUp/);
  });

  it('without a hosted UI, the app client has OAuth off (API sign-in only)', () => {
    const s = synth();
    s.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlowsUserPoolClient: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
    expect(resourcesOf(s.json, 'AWS::Cognito::UserPoolDomain')).toEqual([]);
  });

  it('with a domain prefix, a hosted UI with the code grant to the app\'s redirect URIs only', () => {
    const s = synth({ cognitoDomainPrefix: 'my-app-auth', cognitoCallbackUrls: 'myapp://auth' });
    s.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'my-app-auth' });
    s.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      CallbackURLs: ['myapp://auth'],
      AllowedOAuthFlowsUserPoolClient: true,
    });
    expect(s.json.Outputs?.HostedUiBaseUrl).toBeDefined();
  });
});

describe('configFromContext / validateConfig', () => {
  const from = (context: Record<string, unknown>) => configFromContext((key) => context[key]);

  it('parses command-line strings and cdk.json values', () => {
    expect(from({ jwtIssuer: ` ${ISSUER} `, jwtAudience: 'a, b,,', skipLayerBuild: 'true' })).toEqual({
      jwtIssuer: ISSUER,
      jwtAudience: ['a', 'b'],
      skipLayerBuild: true,
    });
    expect(from({ jwtAudience: ['x'], skipLayerBuild: true })).toEqual({ jwtAudience: ['x'], skipLayerBuild: true });
    expect(from({})).toEqual({ skipLayerBuild: false });
    expect(from({ bridgeReservedConcurrency: '20' })).toMatchObject({ bridgeReservedConcurrency: 20 });
    expect(() => from({ bridgeReservedConcurrency: 'lots' })).toThrow(/positive integer/);
  });

  it('refuses half a configuration', () => {
    expect(() => validateConfig({ jwtIssuer: ISSUER })).toThrow(/jwtAudience is required/);
    expect(() => validateConfig({ jwtAudience: ['a'] })).toThrow(/without jwtIssuer/);
    expect(() => validateConfig({ jwtIssuer: 'http://insecure', jwtAudience: ['a'] })).toThrow(/https/);
    expect(() => validateConfig({ jwtIssuer: ISSUER, jwtAudience: ['a'] })).not.toThrow();
    expect(() => validateConfig({})).not.toThrow();
    expect(() => validateConfig({ cognitoDomainPrefix: 'x' })).toThrow(/go together/);
    expect(() => validateConfig({ jwtIssuer: ISSUER, jwtAudience: ['a'], cognitoDomainPrefix: 'x', cognitoCallbackUrls: ['a://b'] })).toThrow(
      /not created with jwtIssuer/,
    );
  });

  it('the sizing invariants hold', () => {
    expect(() => checkSizing()).not.toThrow();
  });
});
