/**
 * Writes to Garmin: POST /garmin/weight and POST /garmin/hydration. Served by the sync function:
 * a write needs exactly what a sync needs (the connection, the tokens in the vault, the bridge,
 * the lease, the user's limits, the data table) and nothing more, so it adds no grant.
 */
import { HydrationWriteBody, IDEMPOTENCY_HEADER, IdempotencyKey, WeightWriteBody } from '../core/api-write-schemas';
import { AppError } from '../core/errors';
import type { Services } from '../core/services';
import type { WriteInput } from '../core/services/write-service';
import { type HttpRequest, type Route, parse } from './commons/http';

const keyOf = (request: HttpRequest): string => {
  const key = request.headers[IDEMPOTENCY_HEADER];
  if (key === undefined) throw new AppError('VALIDATION_ERROR', 'A write needs an Idempotency-Key header (one new key per write, the same on its retries)');
  return parse(IdempotencyKey, key, 'header.Idempotency-Key');
};

const writeRoute =
  (services: () => Services, input: (body: unknown) => WriteInput): Route =>
  async (request) => {
    const key = keyOf(request);
    const outcome = await services().write.write(request.userId, key, input(request.body));
    return { status: outcome.status, body: outcome.body };
  };

export const writeRoutes = (services: () => Services): Record<string, Route> => ({
  'POST /garmin/weight': writeRoute(services, (body) => ({ kind: 'weight', body: parse(WeightWriteBody, body, 'body') })),
  'POST /garmin/hydration': writeRoute(services, (body) => ({ kind: 'hydration', body: parse(HydrationWriteBody, body, 'body') })),
});
