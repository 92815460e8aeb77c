/**
 * One AWS API call without the service's SDK client: SigV4 signing, the HTTP handler (kept-alive
 * sockets) and the standard retry strategy are the SDK's own small packages (~40 KB in a bundle),
 * not a client's protocol, schema and middleware machinery (the DynamoDB and Secrets Manager
 * clients with @smithy/core's rest were ~180 KB and most of every cold import). Not global
 * `fetch`: its first use loads undici (~30–40 ms) inside the first request. Credentials come from
 * `@aws-sdk/credential-provider-node`, which the bundles resolve to the function's role
 * credentials (infra/lambda-credentials.ts).
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { StandardRetryStrategy, isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';

export type AwsService = 'lambda' | 'sqs' | 'dynamodb' | 'secretsmanager';

/** What the local AWS rules see of a call before it is sent (scripts/local/aws-rules): IAM and quotas. */
export type CallGuard = (service: AwsService, operation: string, input: Record<string, unknown>) => Promise<void>;

export interface SignedCallOptions {
  /** Attempts per call, the first included; the SDK's default is 3. */
  maxAttempts?: number;
  /** Default: AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL (as the SDK reads them), else the regional endpoint. */
  endpoint?: string;
  region?: string;
  credentials?: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
  guard?: CallGuard;
  /**
   * Before each attempt, inside the retries (a guard is before them): the local runtime's
   * injected faults, which throw the service's error answer as AWS would give it.
   */
  beforeAttempt?: CallGuard;
}

export interface AwsRequest {
  /** The API operation (IAM and the local rules name it so), e.g. `SendMessageBatch`. */
  operation: string;
  /** The operation's input as the SDK's command takes it: what the local rules check. */
  input: Record<string, unknown>;
  path: string;
  headers: Record<string, string>;
  body: string;
  abortSignal?: AbortSignal;
}

export interface AwsAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** What of an error body names or describes the error, not a field of it. */
const ERROR_META = new Set(['__type', 'code', 'Code', 'Message']);

/**
 * An error answer, shaped as the SDK raises it (the error code as `name`, `$fault`, the status
 * in `$metadata`, the body's other fields such as DynamoDB's `CancellationReasons` or `Item`
 * as properties), so `isThrottlingError` and the callers read it as before.
 */
export class AwsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number; requestId?: string };

  constructor(name: string, status: number, message: string, requestId: string | undefined, fields: Record<string, unknown> = {}) {
    super(message);
    // As the SDK's decorateServiceException: the body's fields, none overriding the error's own.
    for (const [key, value] of Object.entries(fields)) if (!(key in this) && !ERROR_META.has(key)) Object.assign(this, { [key]: value });
    this.name = name;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status, ...(requestId ? { requestId } : {}) };
  }
}

/** The endpoint variables the SDK reads for each service (its `serviceId`, upper snake case). */
const SERVICE_ENV: Record<AwsService, string> = {
  lambda: 'AWS_ENDPOINT_URL_LAMBDA',
  sqs: 'AWS_ENDPOINT_URL_SQS',
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  secretsmanager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
};

const regionOf = (options: SignedCallOptions): string => {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('AWS_REGION is not set (a Lambda function always has it)');
  return region;
};

const endpointOf = (service: AwsService, region: string, options: SignedCallOptions): URL =>
  new URL(
    options.endpoint ??
      process.env[SERVICE_ENV[service]] ??
      process.env.AWS_ENDPOINT_URL ??
      `https://${service}.${region}.amazonaws.${region.startsWith('cn-') ? 'com.cn' : 'com'}`,
  );

/** The error code as the SDK names the error: the error-type header, else the body's `__type`/`code` (namespace dropped). */
const errorOf = (answer: AwsAnswer): AwsServiceError => {
  const text = new TextDecoder().decode(answer.body);
  let body: { __type?: unknown; code?: unknown; Code?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed;
  } catch {
    // Not JSON (a proxy's page): the status alone classifies it.
  }
  const raw =
    answer.headers['x-amzn-errortype'] ??
    [body.__type, body.code, body.Code].find((v): v is string => typeof v === 'string') ??
    `Http${answer.status}Error`;
  const name = raw.split(':')[0]?.split('#').pop() ?? raw;
  const message = [body.message, body.Message].find((v): v is string => typeof v === 'string') ?? name;
  return new AwsServiceError(name, answer.status, message, answer.headers['x-amzn-requestid'], body);
};

const readBody = async (body: unknown): Promise<Uint8Array> => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
};

const retryKind = (error: unknown): 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | undefined => {
  const e = error as Parameters<typeof isThrottlingError>[0];
  if (isThrottlingError(e)) return 'THROTTLING';
  if (isTransientError(e)) return 'TRANSIENT';
  if (isServerError(e)) return 'SERVER_ERROR';
  return undefined;
};

/** A client of one service: each call guarded (locally), signed, sent, retried as the SDK's standard mode retries. */
export const signedCaller = (service: AwsService, options: SignedCallOptions = {}) => {
  const http = new NodeHttpHandler();
  const retries = new StandardRetryStrategy(options.maxAttempts ?? 3);
  let signer: SignatureV4 | undefined;
  const signerOf = (region: string) =>
    (signer ??= new SignatureV4({ service, region, sha256: Sha256, credentials: options.credentials ?? defaultProvider() }));

  const attempt = async (request: AwsRequest): Promise<AwsAnswer> => {
    const region = regionOf(options);
    const url = endpointOf(service, region, options);
    const unsigned = new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: `${url.pathname.replace(/\/$/, '')}${request.path}`,
      headers: { ...request.headers, host: url.host, 'content-length': String(Buffer.byteLength(request.body)) },
      body: request.body,
    });
    const signed = await signerOf(region).sign(unsigned);
    const { response } = await http.handle(signed as HttpRequest, request.abortSignal ? { abortSignal: request.abortSignal } : {});
    const answer = { status: response.statusCode, headers: response.headers, body: await readBody(response.body) };
    if (answer.status >= 300) throw errorOf(answer);
    return answer;
  };

  const call = async (request: AwsRequest): Promise<AwsAnswer> => {
    await options.guard?.(service, request.operation, request.input);
    let token = await retries.acquireInitialRetryToken(service);
    for (;;) {
      try {
        await options.beforeAttempt?.(service, request.operation, request.input);
        const answer = await attempt(request);
        retries.recordSuccess(token);
        return answer;
      } catch (error) {
        const errorType = request.abortSignal?.aborted ? undefined : retryKind(error);
        if (!errorType) throw error;
        try {
          token = await retries.refreshRetryTokenForRetry(token, { errorType });
        } catch {
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, token.getRetryDelay()));
      }
    }
  };
  /** Closes the kept-alive sockets. */
  const destroy = (): void => http.destroy();
  return Object.assign(call, { destroy });
};

export type SignedCaller = ReturnType<typeof signedCaller>;

/**
 * A client of one of the services that speak AWS's JSON protocol (DynamoDB's 1.0, Secrets
 * Manager's 1.1, SQS's 1.0): the operation in `X-Amz-Target`, the input as the JSON body, the
 * answer parsed (an empty body, as some operations answer, is `{}`).
 */
export const jsonCaller = (service: AwsService, target: string, version: '1.0' | '1.1', options?: SignedCallOptions) => {
  const call = signedCaller(service, options);
  const json = async (operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const answer = await call({
      operation,
      input,
      path: '/',
      headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': `${target}.${operation}` },
      body: JSON.stringify(input),
    });
    return answer.body.length ? (JSON.parse(new TextDecoder().decode(answer.body)) as Record<string, unknown>) : {};
  };
  return Object.assign(json, { destroy: call.destroy });
};
