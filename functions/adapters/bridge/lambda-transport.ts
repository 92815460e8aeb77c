/** The deployed transport: a synchronous Lambda Invoke of the Python bridge function. */
import type { BatchRequest, BatchResponse, BridgeRequest, BridgeResponse } from '../../core/shared/bridge-protocol';
import { type InvokeOutput, type LambdaApi, lambdaApi } from '../aws/lambda-api';
import type { BatchCapableBridge } from './batching-bridge';
import { BridgeTransportError, functionFailed, invokeFailed } from './errors';
import { validateBatchRequest, validateRequest, validateResponse } from './protocol-io';
import { DEFAULT_BRIDGE_TIMEOUTS_MS, timeoutFor, type BridgeTimeouts } from './timeouts';

export interface LambdaTransportOptions {
  functionName: string;
  /**
   * Defaults to a client that never retries: an invoke is not idempotent (a retried
   * login is a second SSO login at Garmin), so failures go back to the caller, whose
   * scheduler backs off.
   */
  client?: LambdaApi;
  timeouts?: Partial<BridgeTimeouts>;
}

export class LambdaBridgeTransport implements BatchCapableBridge {
  private readonly client: LambdaApi;
  private readonly ownsClient: boolean;
  private readonly functionName: string;
  private readonly timeouts: BridgeTimeouts;

  constructor(options: LambdaTransportOptions) {
    this.ownsClient = !options.client;
    this.client = options.client ?? lambdaApi({ maxAttempts: 1 });
    this.functionName = options.functionName;
    this.timeouts = { ...DEFAULT_BRIDGE_TIMEOUTS_MS, ...options.timeouts };
  }

  async call(request: BridgeRequest): Promise<BridgeResponse> {
    const valid = validateRequest(request);
    return validateResponse(await this.invoke(valid), valid.op);
  }

  async callBatch(request: BatchRequest): Promise<BatchResponse> {
    const valid = validateBatchRequest(request);
    return validateResponse(await this.invoke(valid), valid.op);
  }

  /** One synchronous Invoke; the parsed payload of its answer. */
  private async invoke(valid: BridgeRequest | BatchRequest): Promise<unknown> {
    const timeoutMs = timeoutFor(valid, this.timeouts);
    const signal = AbortSignal.timeout(timeoutMs);
    let output: InvokeOutput;
    try {
      output = await this.client.invoke(
        { FunctionName: this.functionName, InvocationType: 'RequestResponse', Payload: JSON.stringify(valid) },
        { abortSignal: signal },
      );
    } catch (error) {
      if (signal.aborted) throw new BridgeTransportError('timeout', `bridge ${valid.op} timed out after ${timeoutMs} ms`);
      // The service's error name (e.g. TooManyRequestsException) is enough to act on; its
      // message is left out so nothing from the service can carry request data along.
      throw invokeFailed(valid.op, error instanceof Error ? error.name : 'unknown error');
    }
    // The error payload ({errorMessage, stackTrace}) could quote the request: not echoed.
    if (output.FunctionError) {
      throw functionFailed(valid.op, output.FunctionError);
    }
    return parsePayload(output.Payload, valid.op);
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }
}

const parsePayload = (payload: Uint8Array, op: string): unknown => {
  try {
    return JSON.parse(new TextDecoder().decode(payload));
  } catch {
    throw new BridgeTransportError('invalid-response', `bridge answered ${op} with a payload that is not JSON`);
  }
};
