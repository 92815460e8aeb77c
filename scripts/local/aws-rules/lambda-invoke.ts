/**
 * What Lambda itself enforces around an invocation: the caller's `lambda:InvokeFunction`
 * on the target, the payload quota of the invocation type, and the function's timeout.
 */
import type { Context } from 'aws-lambda';
import { AWS_LIMITS } from '../../../functions/core/shared/aws-limits';
import type { BatchCapableBridge } from '../../../functions/adapters/bridge/batching-bridge';
import { lambdaContext } from '../apigw-events';
import { invokePayloadTooLarge } from './aws-errors';
import type { FunctionIdentity } from './function-identity';

export type InvocationType = 'RequestResponse' | 'Event';

const PAYLOAD_LIMIT: Record<InvocationType, number> = {
  RequestResponse: AWS_LIMITS.lambdaSyncPayloadBytes,
  Event: AWS_LIMITS.lambdaAsyncPayloadBytes,
};

/** What Lambda checks before it accepts an Invoke; throws its error if it would refuse. */
export const checkInvoke = async (
  caller: FunctionIdentity | undefined,
  targetArn: string,
  payload: string,
  type: InvocationType,
): Promise<void> => {
  await caller?.authorize('lambda', [{ action: 'lambda:InvokeFunction', resource: targetArn }]);
  if (caller && Buffer.byteLength(payload, 'utf8') > PAYLOAD_LIMIT[type]) throw invokePayloadTooLarge(PAYLOAD_LIMIT[type]);
};

/** The bridge as one function sees it: each call is a synchronous Invoke of the bridge function by that function. */
export const bridgeInvokedBy = (caller: FunctionIdentity, bridge: BatchCapableBridge, bridgeArn: string): BatchCapableBridge => {
  const authorize = () => caller.authorize('lambda', [{ action: 'lambda:InvokeFunction', resource: bridgeArn }]);
  return {
    call: async (request) => {
      await authorize();
      return bridge.call(request);
    },
    callBatch: async (request) => {
      await authorize();
      return bridge.callBatch(request);
    },
  };
};

/** Lambda's verdict on an invocation that ran past the function's timeout. */
export class LambdaTimeoutError extends Error {
  constructor(
    readonly functionName: string,
    readonly timeoutMs: number,
  ) {
    super(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    this.name = 'Sandbox.Timedout';
  }
}

/**
 * Runs one invocation with a context whose remaining time counts down from `timeoutMs`,
 * and fails it with LambdaTimeoutError once that has passed. Lambda would stop the
 * environment; in-process the handler's work cannot be stopped, so it runs on unobserved.
 */
export const invokeWithTimeout = async <T>(functionName: string, timeoutMs: number, run: (context: Context) => Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LambdaTimeoutError(functionName, timeoutMs)), timeoutMs);
  });
  const running = run(lambdaContext(functionName, timeoutMs));
  // The invocation's own failure after the timeout is no one's to handle any more.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, timedOut]);
  } finally {
    clearTimeout(timer);
  }
};
