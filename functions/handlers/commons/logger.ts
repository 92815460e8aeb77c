import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';

/** One structured JSON logger for every function; the correlation id comes from the event. */
export const logger = new Logger({ serviceName: 'garmin-sync', correlationIdSearchFn: search });
