/** The logger's correlation id: the HTTP API request id, found without a JMESPath engine in the bundle. */
import { describe, expect, it, vi } from 'vitest';
import { CORRELATION_ID_PATH, correlationIdAt, logger } from '../../../functions/handlers/commons/logger';
import { lambdaContext } from '../../../scripts/local/apigw-events';

describe('correlation id', () => {
  it("is the HTTP API event's request id", () => {
    expect(correlationIdAt(CORRELATION_ID_PATH, { requestContext: { requestId: 'abc-123' } })).toBe('abc-123');
  });

  it('is absent, not an error, when the event has no such path', () => {
    expect(correlationIdAt(CORRELATION_ID_PATH, { requestContext: null })).toBeUndefined();
    expect(correlationIdAt(CORRELATION_ID_PATH, 'not an object')).toBeUndefined();
    expect(correlationIdAt(CORRELATION_ID_PATH, undefined)).toBeUndefined();
  });

  it('is set on the logger from an event', () => {
    logger.setCorrelationId({ requestContext: { requestId: 'req-7' } }, CORRELATION_ID_PATH);
    expect(logger.getCorrelationId()).toBe('req-7');
  });
});

describe('a log line', () => {
  it('holds level, message, time, the request id, the correlation id and its own keys, none of what the log group and REPORT say', () => {
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    // A child keeps the logger's formatter, at a level of its own whatever the environment says.
    const child = logger.createChild({ logLevel: 'INFO' });
    try {
      child.addContext(lambdaContext('garmin-sync-worker', 60_000));
      child.setCorrelationId('corr-1');
      child.info('sync done', { status: 'fresh', garminRequests: 1 });
    } finally {
      write.mockRestore();
    }
    const line = JSON.parse(written.join('')) as Record<string, unknown>;
    expect(Object.keys(line).sort()).toEqual(['correlation_id', 'function_request_id', 'garminRequests', 'level', 'message', 'status', 'timestamp']);
    expect(line).toMatchObject({ level: 'INFO', message: 'sync done', correlation_id: 'corr-1', status: 'fresh', garminRequests: 1 });
    expect(line.function_request_id).toEqual(expect.any(String));
  });
});
