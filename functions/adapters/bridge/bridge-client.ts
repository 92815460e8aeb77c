/**
 * The Garmin bridge as the functions see it: a transport (Lambda when deployed, a stdio child
 * process locally) behind the caller's deadline.
 */
import { ENV, readEnv } from '../../core/shared/env';
import type { BatchCapableBridge } from './batching-bridge';
import { DeadlineBridge } from './deadline';
import { LambdaBridgeTransport, type LambdaTransportOptions } from './lambda-transport';
import { StdioBridgeTransport, type StdioTransportOptions } from './stdio-transport';
import { DEFAULT_BRIDGE_TIMEOUTS_MS } from './timeouts';

export interface ClosableGarminBridge extends BatchCapableBridge {
  close(): Promise<void>;
}

/**
 * Deployed: the bridge Lambda (functionName defaults to BRIDGE_FUNCTION_NAME). Two factories, not
 * one with a switch, so a function's bundle holds no stdio transport (child_process, readline:
 * ~10 ms of a cold import).
 */
export const lambdaGarminBridge = (config: Partial<LambdaTransportOptions> = {}): ClosableGarminBridge =>
  new DeadlineBridge(
    new LambdaBridgeTransport({ ...config, functionName: config.functionName ?? readEnv(ENV.bridgeFunctionName) }),
    // The same timeouts the transport gives up after, so the bridge stops before the caller does.
    { ...DEFAULT_BRIDGE_TIMEOUTS_MS, ...config.timeouts },
  );

/** Locally: a stdio child process running the Python bridge. */
export const stdioGarminBridge = (config: StdioTransportOptions): ClosableGarminBridge =>
  new DeadlineBridge(new StdioBridgeTransport(config), { ...DEFAULT_BRIDGE_TIMEOUTS_MS, ...config.timeouts });
