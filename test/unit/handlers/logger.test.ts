/** The logger's correlation id: the HTTP API request id, found without a JMESPath engine in the bundle. */
import { describe, expect, it } from 'vitest';
import { CORRELATION_ID_PATH, correlationIdAt, logger } from '../../../functions/handlers/commons/logger';

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
