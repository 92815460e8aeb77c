/** Deploy-time choices: stack props, filled from CDK context (`-c name=value`) by app.ts. */
import type { StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { checkWebhookUrl } from '../functions/adapters/webhooks/url-guard';

/** Powertools' `service` dimension and log field; the functions' logger uses the same name. */
export const SERVICE_NAME = 'garmin-sync';

export interface GarminSyncConfig {
  /**
   * JWT issuer of the app's identity provider (`iss` claim). Without it the stack creates
   * a Cognito user pool and app client and trusts their tokens.
   */
  jwtIssuer?: string;
  /** Accepted `aud` (or Cognito `client_id`) values; required with jwtIssuer. */
  jwtAudience?: string[];
  /** Use a tiny placeholder instead of pip-installing the Python layer (tests, offline synth). */
  skipLayerBuild?: boolean;
  /**
   * Built-in Cognito only: a hosted-UI (managed login) domain prefix, and the app's OAuth
   * redirect URIs. Without them the app signs users in with the Cognito API (SRP / InitiateAuth).
   */
  cognitoDomainPrefix?: string;
  cognitoCallbackUrls?: string[];
  /**
   * Built-in Cognito only: let anyone on the internet create an account (e-mail verified).
   * Off by default: an open pool lets anyone use the service's IP addresses to try Garmin
   * passwords, and Garmin's blocks of those addresses hit every user. Without it the
   * operator creates the app's users (admin-create-user, or the app's back office).
   */
  cognitoSelfSignUp?: boolean;
  /** Subscribe this address to the alarm topic (optional; confirm the e-mail AWS sends). */
  alarmEmail?: string;
  /** Browser origins allowed by CORS; none by default (native apps need no CORS). */
  corsAllowOrigins?: string[];
  logRetention?: RetentionDays;
  /** Steady-state requests per second and burst of the whole API stage. */
  apiThrottle?: { rateLimit: number; burstLimit: number };
  /**
   * Reserve (and so cap) the bridge's concurrency. Off by default: reserving takes from the
   * account's pool, and new accounts (10 concurrent executions) cannot reserve at all.
   */
  bridgeReservedConcurrency?: number;
  /** Python interpreter used to build the layer (else PYTHON, .venv/bin/python, python3.13, python3.12). */
  python?: string;
  /**
   * The app's webhook endpoint (Standard Webhooks, docs/webhooks.md): https:// to a public
   * address only. Without it events go to the change feed (GET /garmin/changes) alone.
   */
  webhookUrl?: string;
}

export type GarminSyncStackProps = StackProps & GarminSyncConfig;

export const DEFAULTS = {
  logRetention: RetentionDays.ONE_MONTH,
  apiThrottle: { rateLimit: 50, burstLimit: 100 },
} as const;

const list = (value: unknown): string[] | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  const trimmed = items.map((item) => item.trim()).filter(Boolean);
  return trimmed.length ? trimmed : undefined;
};

const flag = (value: unknown): boolean => value === true || value === 'true' || value === '1';

const count = (value: unknown): number | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got ${String(value)}`);
  return n;
};

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** Reads the configuration from CDK context values (strings on the command line, JSON in cdk.json). */
export const configFromContext = (get: (key: string) => unknown): GarminSyncConfig => {
  const config: GarminSyncConfig = {
    jwtIssuer: text(get('jwtIssuer')),
    jwtAudience: list(get('jwtAudience')),
    skipLayerBuild: flag(get('skipLayerBuild')),
    cognitoDomainPrefix: text(get('cognitoDomainPrefix')),
    cognitoCallbackUrls: list(get('cognitoCallbackUrls')),
    cognitoSelfSignUp: flag(get('cognitoSelfSignUp')) || undefined,
    alarmEmail: text(get('alarmEmail')),
    corsAllowOrigins: list(get('corsAllowOrigins')),
    python: text(get('python')),
    bridgeReservedConcurrency: count(get('bridgeReservedConcurrency')),
    webhookUrl: text(get('webhookUrl')),
  };
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as GarminSyncConfig;
};

export const validateConfig = (config: GarminSyncConfig): void => {
  // No SSRF by configuration: a private, loopback, link-local or metadata address is refused
  // here (by name where it is a literal) and again after DNS at every delivery.
  if (config.webhookUrl) checkWebhookUrl(config.webhookUrl);
  if (config.jwtIssuer && !config.jwtIssuer.startsWith('https://')) {
    throw new Error('jwtIssuer must be an https:// URL (API Gateway fetches its JWKS from there)');
  }
  if (config.jwtIssuer && !config.jwtAudience?.length) {
    throw new Error('jwtAudience is required with jwtIssuer (comma-separated list of accepted audiences)');
  }
  if (Boolean(config.cognitoDomainPrefix) !== Boolean(config.cognitoCallbackUrls?.length)) {
    throw new Error('cognitoDomainPrefix and cognitoCallbackUrls go together (the hosted UI redirects to the app)');
  }
  if (config.jwtIssuer && config.cognitoSelfSignUp) {
    throw new Error('cognitoSelfSignUp opens the built-in user pool, which is not created with jwtIssuer');
  }
  if (config.jwtIssuer && config.cognitoDomainPrefix) {
    throw new Error('cognitoDomainPrefix configures the built-in user pool, which is not created with jwtIssuer');
  }
  if (!config.jwtIssuer && config.jwtAudience?.length) {
    throw new Error('jwtAudience without jwtIssuer: give both, or neither to use the built-in Cognito user pool');
  }
};
