import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BridgeRequest, BridgeResponse } from '../../../functions/core/shared/bridge-protocol';
import type { ConnectJob } from '../../../functions/core/shared/ports';
import { lambdaGarminBridge } from '../../../functions/adapters/bridge/bridge-client';
import { BridgeTransportError, InvalidBridgeRequestError } from '../../../functions/adapters/bridge/errors';
import { LambdaBridgeTransport } from '../../../functions/adapters/bridge/lambda-transport';
import { LambdaConnectInvoker } from '../../../functions/adapters/invoker/lambda-connect-invoker';
import { startFakeLambda, type FakeLambda } from './fake-lambda-server';
import { rejectionOf } from '../../support/rejection';

const TOKEN = '{"di_token":"eyJsecret.token.value","di_refresh_token":"refresh-me"}';

const PONG: BridgeResponse = {
  id: 'r1',
  ok: true,
  result: { protocolVersion: 1, garminconnectVersion: '0.3.20', pythonVersion: '3.13.1' },
  tokens: null,
  tokensChanged: false,
  garminRequests: 0,
  durationMs: 1,
};

describe('Lambda transport (the signed Invoke against a local Invoke endpoint)', () => {
  let lambda: FakeLambda;
  let bridge: LambdaBridgeTransport;

  beforeAll(async () => {
    lambda = await startFakeLambda();
  });
  afterAll(() => lambda.close());
  beforeEach(() => {
    lambda.seen.length = 0;
    bridge = new LambdaBridgeTransport({ client: lambda.client, functionName: 'garmin-bridge', timeouts: { fetch: 300 } });
  });

  it('invokes the function synchronously with the validated request and parses the answer', async () => {
    lambda.reply({ payload: JSON.stringify(PONG) });
    expect(await bridge.call({ id: 'r1', op: 'ping' })).toEqual(PONG);
    expect(lambda.seen).toEqual([
      {
        path: '/2015-03-31/functions/garmin-bridge/invocations',
        invocationType: 'RequestResponse',
        authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=\S*host\S*, Signature=[0-9a-f]{64}$/),
        body: '{"id":"r1","op":"ping"}',
      },
    ]);
  });

  it('invokes a function named by its ARN (the name is one path segment)', async () => {
    lambda.reply({ payload: JSON.stringify(PONG) });
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:garmin-bridge';
    await new LambdaBridgeTransport({ client: lambda.client, functionName: arn }).call({ op: 'ping' });
    expect(lambda.seen[0]?.path).toBe(`/2015-03-31/functions/${encodeURIComponent(arn)}/invocations`);
  });

  it('turns a function error into a BridgeTransportError that does not echo the payload', async () => {
    lambda.reply({
      functionError: 'Unhandled',
      payload: JSON.stringify({ errorMessage: `boom ${TOKEN}`, errorType: 'KeyError', stackTrace: [TOKEN] }),
    });
    const error = await rejectionOf(bridge.call({ op: 'verify', tokens: TOKEN }), BridgeTransportError);
    expect(error.reason).toBe('function-error');
    expect(error.message).toContain('verify');
    expect(`${error.message}${error.stack ?? ''}`).not.toContain('eyJsecret');
  });

  it.each([
    ['not JSON', `tokens: ${TOKEN}`],
    ['not a bridge response', JSON.stringify({ ok: true, tokens: TOKEN, surprise: TOKEN })],
  ])('refuses a payload that is %s, without echoing it', async (_case, payload) => {
    lambda.reply({ payload });
    const error = await rejectionOf(bridge.call({ op: 'verify', tokens: TOKEN }), BridgeTransportError);
    expect(error.reason).toBe('invalid-response');
    expect(`${error.message}${error.stack ?? ''}`).not.toContain('eyJsecret');
  });

  it('reports a failed invoke by the service error name only, without retrying it', async () => {
    lambda.reply({ status: 429, errorType: 'TooManyRequestsException', payload: JSON.stringify({ Type: 'User', message: 'Rate Exceeded.' }) });
    const error = await rejectionOf(bridge.call({ op: 'ping' }), BridgeTransportError);
    expect(error.reason).toBe('invoke-failed');
    expect(error.message).toContain('TooManyRequestsException');
    expect(lambda.seen).toHaveLength(1);
  });

  it("starts the connect worker with an Event invoke, retrying a throttled one as the SDK's standard mode does", async () => {
    lambda.reply({ status: 429, errorType: 'TooManyRequestsException:Rate Exceeded.', payload: JSON.stringify({ Type: 'User', message: 'Rate Exceeded.' }), times: 1 });
    const job: ConnectJob = { userId: 'u1', attemptId: 'a1' };
    await new LambdaConnectInvoker('connect-worker', lambda.clientWith(3)).start(job);
    expect(lambda.seen.map((s) => [s.invocationType, s.body])).toEqual([
      ['Event', JSON.stringify(job)],
      ['Event', JSON.stringify(job)],
    ]);
  });

  it('fails a start whose invoke stays refused, with the service error name', async () => {
    lambda.reply({ status: 403, errorType: 'AccessDeniedException', payload: JSON.stringify({ Type: 'User', message: 'denied' }) });
    const job: ConnectJob = { userId: 'u1', attemptId: 'a1' };
    await expect(new LambdaConnectInvoker('connect-worker', lambda.clientWith(3)).start(job)).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
    expect(lambda.seen).toHaveLength(1);
  });

  it('gives up after the operation timeout', async () => {
    lambda.reply('hang');
    const error = await rejectionOf(bridge.call({ op: 'fetch', tokens: TOKEN, profile: true }), BridgeTransportError);
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe('bridge fetch timed out after 300 ms');
  });

  it('rejects an invalid request before invoking anything, naming fields but not values', async () => {
    const request = { op: 'login', username: '', password: 'hunter2-password' } as BridgeRequest;
    const error = await rejectionOf(bridge.call(request), InvalidBridgeRequestError);
    expect(error.paths).toEqual(['username']);
    expect(String(error)).not.toContain('hunter2');
    const extra = { op: 'verify', tokens: TOKEN, mfa: 'x' } as BridgeRequest;
    await expect(bridge.call(extra)).rejects.toThrow('invalid bridge request at: mfa');
    expect(lambda.seen).toHaveLength(0);
  });

  it('is what lambdaGarminBridge builds, named by BRIDGE_FUNCTION_NAME', async () => {
    const previous = process.env.BRIDGE_FUNCTION_NAME;
    process.env.BRIDGE_FUNCTION_NAME = 'bridge-from-env';
    try {
      lambda.reply({ payload: JSON.stringify(PONG) });
      const fromEnv = lambdaGarminBridge({ client: lambda.client });
      await fromEnv.call({ op: 'ping' });
      expect(lambda.seen[0]?.path).toBe('/2015-03-31/functions/bridge-from-env/invocations');
    } finally {
      if (previous === undefined) delete process.env.BRIDGE_FUNCTION_NAME;
      else process.env.BRIDGE_FUNCTION_NAME = previous;
    }
  });
});
