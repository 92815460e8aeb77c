import { Logger } from '@aws-lambda-powertools/logger';

/** Where an HTTP API event carries the request id the logs are correlated by. */
export const CORRELATION_ID_PATH = 'requestContext.requestId';

/**
 * The correlation id at a dotted path of the event. Powertools' own search is JMESPath, whose
 * library is ~23 KB of every bundle (and its import time) for this one plain path.
 */
export const correlationIdAt = (path: string, data: unknown): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), data);

/** One structured JSON logger for every function; the correlation id comes from the event. */
export const logger = new Logger({ serviceName: 'garmin-sync', correlationIdSearchFn: correlationIdAt });
