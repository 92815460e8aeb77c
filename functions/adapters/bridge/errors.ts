/**
 * Errors of the bridge client. Their messages name the operation and what went wrong,
 * never a request or response body: those hold passwords and token blobs.
 */

export type BridgeTransportFailure =
  /** No answer within the operation's timeout. */
  | 'timeout'
  /** The stdio bridge process died (or was killed) with the call in flight. */
  | 'process-exited'
  /** The stdio bridge process could not be started. */
  | 'spawn-failed'
  /** The transport was closed. */
  | 'closed'
  /** The bridge Lambda raised instead of answering (X-Amz-Function-Error). */
  | 'function-error'
  /** Lambda Invoke itself failed (throttled, network, permissions). */
  | 'invoke-failed'
  /** The answer is not a valid BridgeResponse. */
  | 'invalid-response';

/** The call did not produce a bridge answer; whether Garmin was reached is unknown. */
export class BridgeTransportError extends Error {
  constructor(
    readonly reason: BridgeTransportFailure,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeTransportError';
  }
}

/**
 * How a failed Lambda Invoke surfaces (the SDK error's name only: its message could carry
 * request data). The stdio transport fails with the same error when it enforces Lambda's
 * payload quota, so callers cannot tell the transports apart.
 */
export const invokeFailed = (op: string, errorName: string): BridgeTransportError =>
  new BridgeTransportError('invoke-failed', `invoking the bridge for ${op} failed: ${errorName}`);

/** How an invocation that ended in a function error (X-Amz-Function-Error) surfaces. */
export const functionFailed = (op: string, functionError: string): BridgeTransportError =>
  new BridgeTransportError('function-error', `bridge function failed on ${op} (${functionError})`);

/** The request broke the protocol schema: a bug on our side, so it is never sent. */
export class InvalidBridgeRequestError extends Error {
  constructor(readonly paths: string[]) {
    super(`invalid bridge request at: ${paths.join(', ')}`);
    this.name = 'InvalidBridgeRequestError';
  }
}
