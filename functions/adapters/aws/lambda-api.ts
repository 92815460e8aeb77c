/** Lambda's Invoke over its REST protocol (what the SDK's client speaks), signed by signed-call.ts. */
import { type SignedCallOptions, signedCaller } from './signed-call';

export interface InvokeInput {
  FunctionName: string;
  InvocationType: 'RequestResponse' | 'Event';
  /** The event, JSON. */
  Payload: string;
}

export interface InvokeOutput {
  StatusCode: number;
  /** Set when the function raised (X-Amz-Function-Error): the payload is then its error. */
  FunctionError?: string;
  Payload: Uint8Array;
}

/** The one Lambda call the functions make; the local runtime passes its guarded instance. */
export interface LambdaApi {
  invoke(input: InvokeInput, options?: { abortSignal?: AbortSignal }): Promise<InvokeOutput>;
  /** Closes its kept-alive sockets. */
  destroy(): void;
}

export const lambdaApi = (options?: SignedCallOptions): LambdaApi => {
  const call = signedCaller('lambda', options);
  return {
    invoke: async (input, { abortSignal } = {}) => {
      const answer = await call({
        operation: 'Invoke',
        input: { ...input },
        path: `/2015-03-31/functions/${encodeURIComponent(input.FunctionName)}/invocations`,
        headers: { 'content-type': 'application/octet-stream', 'x-amz-invocation-type': input.InvocationType },
        body: input.Payload,
        ...(abortSignal ? { abortSignal } : {}),
      });
      const functionError = answer.headers['x-amz-function-error'];
      return { StatusCode: answer.status, ...(functionError ? { FunctionError: functionError } : {}), Payload: answer.body };
    },
    destroy: call.destroy,
  };
};
