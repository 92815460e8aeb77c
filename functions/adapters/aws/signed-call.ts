/**
 * One AWS API call without the service's SDK client: SigV4 signing, the HTTP handler and the
 * retry strategy are the SDK's own packages, which the DynamoDB client puts in every bundle
 * anyway, so Lambda Invoke and SQS cost no extra weight (their clients were ~110 KB and ~6 ms
 * of every cold import). Not global `fetch`: its first use loads undici (~30–40 ms) inside
 * the first request. Credentials come from `@aws-sdk/credential-provider-node`, which the
 * bundles resolve to the function's role credentials (infra/lambda-credentials.ts), as for
 * the SDK clients.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { StandardRetryStrategy, isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';

export type AwsService = 'lambda' | 'sqs';

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

/**
 * An error answer, shaped as the SDK raises it (the error code as `name`, `$fault`, the status
 * in `$metadata`), so `isThrottlingError` and the callers read it as before.
 */
export class AwsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number; requestId?: string };

  constructor(name: string, status: number, message: string, requestId: string | undefined) {
    super(message);
    this.name = name;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status, ...(requestId ? { requestId } : {}) };
  }
}

const SERVICE_ENV: Record<AwsService, string> = { lambda: 'AWS_ENDPOINT_URL_LAMBDA', sqs: 'AWS_ENDPOINT_URL_SQS' };

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
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not JSON (a proxy's page): the status alone classifies it.
  }
  const raw =
    answer.headers['x-amzn-errortype'] ??
    [body.__type, body.code, body.Code].find((v): v is string => typeof v === 'string') ??
    `Http${answer.status}Error`;
  const name = raw.split(':')[0]?.split('#').pop() ?? raw;
  const message = [body.message, body.Message].find((v): v is string => typeof v === 'string') ?? name;
  return new AwsServiceError(name, answer.status, message, answer.headers['x-amzn-requestid']);
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
