/**
 * Writes to Garmin: POST /garmin/weight and POST /garmin/hydration. Served by the sync function:
 * a write needs exactly what a sync needs (the connection, the tokens in the vault, the bridge,
 * the lease, the user's limits, the data table) and nothing more, so it adds no grant.
 */
import type { SyncApiServices } from '../core/services';
import type { WriteInput } from '../core/write/write-service';
import type { HttpResult, RouteHandlers } from './commons/http';

const write = async (services: () => SyncApiServices, userId: string, key: string, input: WriteInput): Promise<HttpResult> => {
  const outcome = await services().write.write(userId, key, input);
  return { status: outcome.status, body: outcome.body };
};

export const writeRoutes = (services: () => SyncApiServices): Pick<RouteHandlers<'sync'>, 'POST /garmin/weight' | 'POST /garmin/hydration'> => ({
  'POST /garmin/weight': ({ userId, header, body }) => write(services, userId, header, { kind: 'weight', body }),
  'POST /garmin/hydration': ({ userId, header, body }) => write(services, userId, header, { kind: 'hydration', body }),
});
