import { describe, expect, it } from 'vitest';
import type { BridgeRequest, BridgeResponse } from '../../../functions/core/bridge-protocol';
import type { GarminBridge } from '../../../functions/core/ports';
import { GarminBridgeClient } from '../../../functions/adapters/bridge/bridge-client';
import { BridgeTransportError } from '../../../functions/adapters/bridge/errors';
import { timeoutFor, DEFAULT_BRIDGE_TIMEOUTS_MS } from '../../../functions/adapters/bridge/timeouts';

const TOKENS = '{"di_token":"t"}';
const PROFILE = { displayName: 'runner', fullName: null, profileId: 7, unitSystem: 'metric' };
const envelope = { tokens: TOKENS, tokensChanged: false, garminRequests: 2, durationMs: 5 };

/** A port fake that records requests and answers with a fixed response. */
const answering = (response: BridgeResponse) => {
  const requests: BridgeRequest[] = [];
  const bridge: GarminBridge = {
    call: async (request) => {
      requests.push(request);
      return response;
    },
  };
  return { client: new GarminBridgeClient(bridge), requests };
};

describe('GarminBridgeClient', () => {
  it('builds each request and narrows the result to the operation', async () => {
    const { client, requests } = answering({ ...envelope, ok: true, result: { profile: PROFILE } });
    const login = await client.login({ username: 'a@b.c', password: 'pw', mfa: { userId: 'u', attemptId: 'a', waitSeconds: 300 } });
    expect(login.ok && login.result.profile.displayName).toBe('runner');
    await client.verify(TOKENS);
    expect(requests).toEqual([
      { op: 'login', username: 'a@b.c', password: 'pw', mfa: { userId: 'u', attemptId: 'a', waitSeconds: 300 } },
      { op: 'verify', tokens: TOKENS },
    ]);
  });

  it('passes failures through untouched', async () => {
    const failure: BridgeResponse = { ...envelope, ok: false, error: { code: 'TOKEN_REJECTED', message: 'no' }, partial: { displayName: null } };
    const { client, requests } = answering(failure);
    expect(await client.fetch(TOKENS, { profile: true, activities: { startDate: '2026-01-01' } })).toEqual(failure);
    expect(requests).toEqual([{ op: 'fetch', tokens: TOKENS, profile: true, activities: { startDate: '2026-01-01' } }]);
  });

  it('refuses the result of another operation', async () => {
    const { client } = answering({ ...envelope, ok: true, result: { protocolVersion: 1, garminconnectVersion: 'x', pythonVersion: 'y' } });
    await expect(client.login({ username: 'a', password: 'b' })).rejects.toBeInstanceOf(BridgeTransportError);
    await expect(client.fetch(TOKENS, {})).rejects.toThrow('bridge answered fetch with the result of another operation');
  });
});

describe('bridge timeouts', () => {
  it('gives a login at least its MFA wait plus a margin', () => {
    expect(timeoutFor({ op: 'login', username: 'a', password: 'b' }, DEFAULT_BRIDGE_TIMEOUTS_MS)).toBe(6 * 60_000);
    const mfa = { userId: 'u', attemptId: 'a', waitSeconds: 900 };
    expect(timeoutFor({ op: 'login', username: 'a', password: 'b', mfa }, DEFAULT_BRIDGE_TIMEOUTS_MS)).toBe(960_000);
    expect(timeoutFor({ op: 'ping' }, { ...DEFAULT_BRIDGE_TIMEOUTS_MS, ping: 5 })).toBe(5);
  });
});
