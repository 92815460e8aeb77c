/**
 * The Garmin bridge as the functions see it: `createGarminBridge` picks the transport
 * (Lambda when deployed, a stdio child process locally) behind the caller's deadline.
 */
import { ENV, readEnv } from '../../core/shared/env';
import type { BatchCapableBridge } from './batching-bridge';
import { DeadlineBridge } from './deadline';
import { LambdaBridgeTransport, type LambdaTransportOptions } from './lambda-transport';
import { StdioBridgeTransport, type StdioTransportOptions } from './stdio-transport';
import { DEFAULT_BRIDGE_TIMEOUTS_MS } from './timeouts';

export type GarminBridgeConfig =
  /** functionName defaults to the BRIDGE_FUNCTION_NAME environment variable. */
  | ({ transport: 'lambda' } & Partial<LambdaTransportOptions>)
  | ({ transport: 'stdio' } & StdioTransportOptions);

export interface ClosableGarminBridge extends BatchCapableBridge {
  close(): Promise<void>;
}

export const createGarminBridge = (config: GarminBridgeConfig): ClosableGarminBridge => {
  // The same timeouts the transport gives up after, so the bridge stops before the caller does.
  const timeouts = { ...DEFAULT_BRIDGE_TIMEOUTS_MS, ...config.timeouts };
  if (config.transport === 'stdio') return new DeadlineBridge(new StdioBridgeTransport(config), timeouts);
  return new DeadlineBridge(
    new LambdaBridgeTransport({ ...config, functionName: config.functionName ?? readEnv(ENV.bridgeFunctionName) }),
    timeouts,
  );
};
