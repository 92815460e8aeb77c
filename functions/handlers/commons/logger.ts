import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

/** Where an HTTP API event carries the request id the logs are correlated by. */
export const CORRELATION_ID_PATH = 'requestContext.requestId';

/**
 * The correlation id at a dotted path of the event. Powertools' own search is JMESPath, whose
 * library is ~23 KB of every bundle (and its import time) for this one plain path.
 */
export const correlationIdAt = (path: string, data: unknown): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), data);

/**
 * Powertools' line without what the log group and Lambda's own REPORT line already say (the
 * function's ARN, name and memory, cold start, service, sampling rate) or what nothing reads (the
 * X-Ray trace id: the stack has no tracing): CloudWatch Logs bills every byte ingested, and these
 * were ~60% of a sync's line. Kept: level, message, time, the invocation's request id (the line's
 * correlation with REPORT and the other lines of the invocation), `correlation_id` and the line's own keys.
 */
export class CompactLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        function_request_id: attributes.lambdaContext?.awsRequestId,
      },
    }).addAttributes(additionalLogAttributes);
  }
}

/** One structured JSON logger for every function; the correlation id comes from the event. */
export const logger = new Logger({ serviceName: 'garmin-sync', correlationIdSearchFn: correlationIdAt, logFormatter: new CompactLogFormatter() });
