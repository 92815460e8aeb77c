/**
 * The Garmin bridge as the functions see it: `createGarminBridge` picks the transport
 * (Lambda when deployed, a stdio child process locally), and `GarminBridgeClient` builds
 * the requests and narrows each answer to its operation's result type.
 */
import {
  authResultOf,
  fetchResultOf,
  type BridgeFailure,
  type BridgeResponse,
  type BridgeSuccess,
  type FetchRequest,
  type FetchResult,
  type LoginRequest,
  type ProfileBasics,
} from '../../core/bridge-protocol';
import { ENV, readEnv } from '../../core/env';
import type { GarminBridge } from '../../core/ports';
import { DeadlineBridge } from './deadline';
import { BridgeTransportError } from './errors';
import { LambdaBridgeTransport, type LambdaTransportOptions } from './lambda-transport';
import { StdioBridgeTransport, type StdioTransportOptions } from './stdio-transport';
import { DEFAULT_BRIDGE_TIMEOUTS_MS } from './timeouts';

export type GarminBridgeConfig =
  /** functionName defaults to the BRIDGE_FUNCTION_NAME environment variable. */
  | ({ transport: 'lambda' } & Partial<LambdaTransportOptions>)
  | ({ transport: 'stdio' } & StdioTransportOptions);

export interface ClosableGarminBridge extends GarminBridge {
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

/** A bridge answer whose success carries the result type of the operation asked for. */
export type BridgeAnswer<R> = (Omit<BridgeSuccess, 'result'> & { result: R }) | BridgeFailure;

const narrow = <R>(response: BridgeResponse, op: string, resultOf: (success: BridgeSuccess) => R): BridgeAnswer<R> => {
  if (!response.ok) return response;
  try {
    return { ...response, result: resultOf(response) };
  } catch {
    throw new BridgeTransportError('invalid-response', `bridge answered ${op} with the result of another operation`);
  }
};

export class GarminBridgeClient {
  constructor(private readonly bridge: GarminBridge) {}

  async login(input: Omit<LoginRequest, 'op'>): Promise<BridgeAnswer<{ profile: ProfileBasics }>> {
    return narrow(await this.bridge.call({ ...input, op: 'login' }), 'login', authResultOf);
  }

  /** Checks (and refreshes, if due) a token blob made elsewhere. */
  async verify(tokens: string): Promise<BridgeAnswer<{ profile: ProfileBasics }>> {
    return narrow(await this.bridge.call({ op: 'verify', tokens }), 'verify', authResultOf);
  }

  async fetch(tokens: string, plan: Omit<FetchRequest, 'op' | 'tokens'>): Promise<BridgeAnswer<FetchResult>> {
    return narrow(await this.bridge.call({ ...plan, op: 'fetch', tokens }), 'fetch', fetchResultOf);
  }
}
