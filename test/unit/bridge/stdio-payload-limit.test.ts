/**
 * The stdio transport with Lambda's synchronous payload quota (6 MB each way): a call that
 * the Lambda transport could not make fails here the same way (lambda-transport.ts). The
 * answers come from a stand-in bridge that pads each answer to an exact size.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeTransportError } from '../../../functions/adapters/bridge/errors';
import { StdioBridgeTransport } from '../../../functions/adapters/bridge/stdio-transport';
import { AWS_LIMITS } from '../../../functions/core/shared/aws-limits';
import { rejectionOf } from '../../support/rejection';

const LIMIT = AWS_LIMITS.lambdaSyncPayloadBytes;
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

const transports: StdioBridgeTransport[] = [];
const sizedBridge = (answerBytes: number, payloadLimitBytes = LIMIT) => {
  const transport = new StdioBridgeTransport({
    cwd: path.join(import.meta.dirname, 'fixtures', 'sized-bridge'),
    env: { ANSWER_BYTES: String(answerBytes) },
    logger: quiet,
    payloadLimitBytes,
  });
  transports.push(transport);
  return transport;
};
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

describe('stdio bridge transport with the Lambda payload quota', () => {
  it('passes an answer of exactly 6 MB and fails one byte more as a function error, like Lambda', async () => {
    const answer = await sizedBridge(LIMIT).call({ op: 'ping' });
    expect(answer.ok).toBe(true);
    const error = await rejectionOf(sizedBridge(LIMIT + 1).call({ op: 'ping' }), BridgeTransportError);
    expect(error.reason).toBe('function-error');
    expect(error.message).toBe('bridge function failed on ping (Unhandled)');
  });

  it('refuses a request over the quota before sending it, as Lambda refuses the Invoke', async () => {
    const request = { op: 'verify' as const, tokens: JSON.stringify({ di_token: 'x'.repeat(1_000) }) };
    const requestBytes = Buffer.byteLength(JSON.stringify(request));
    // The quota scaled down to this request: valid requests cannot reach 6 MB (token blobs are capped).
    await expect(sizedBridge(500, requestBytes).call(request)).resolves.toMatchObject({ ok: true });
    const error = await rejectionOf(sizedBridge(500, requestBytes - 1).call(request), BridgeTransportError);
    expect(error.reason).toBe('invoke-failed');
    expect(error.message).toBe('invoking the bridge for verify failed: RequestEntityTooLargeException');
  });
});
