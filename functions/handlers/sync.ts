/** Manual sync (POST /garmin/sync) and the writes to Garmin (handlers/write.ts). */
import { AppError } from '../core/shared/errors';
import type { SyncApiServices } from '../core/services';
import { toConnectionView } from '../core/connect/connection-view';
import type { SyncRun } from '../core/sync/sync-service';
import { type RouteHandlers, httpHandler } from './commons/http';
import { publishMetrics, recordSync } from './commons/metrics';
import { syncApiServicesFromEnvironment } from './commons/runtime';
import { writeRoutes } from './write';

const STATUS_CODE: Partial<Record<SyncRun['status'], number>> = { synced: 200, fresh: 200, failed: 200, in_progress: 202 };

export const syncRoutes = (services: () => SyncApiServices): Pick<RouteHandlers<'sync'>, 'POST /garmin/sync'> => ({
  'POST /garmin/sync': async ({ userId, body, deadlineMs }) => {
    const force = body?.force;
    const startedAt = new Date();
    // The function runs on after API Gateway's 30 s answer: its own deadline bounds the sync (a re-login included).
    const run = await services().sync.run({ userId, reason: 'manual', ...(force ? { force } : {}) }, { deadlineMs });
    recordSync({ userId, reason: 'manual' }, run, startedAt);
    publishMetrics();
    const status = STATUS_CODE[run.status];
    if (!run.connection || status === undefined) {
      throw new AppError('NOT_CONNECTED', run.status === 'skipped' ? 'The connection needs the user to log in again' : 'No Garmin account is connected');
    }
    return {
      status,
      body: {
        status: run.status,
        ...(run.status === 'synced' || run.status === 'failed'
          ? {
              sync: {
                activitiesWritten: run.activitiesWritten,
                dailySummariesWritten: run.dailySummariesWritten,
                profileUpdated: run.profileUpdated,
                garminRequests: run.garminRequests,
              },
            }
          : {}),
        ...(run.error ? { error: run.error } : {}),
        connection: toConnectionView(run.connection),
      },
    };
  },
});

export const handler = httpHandler('sync', { ...syncRoutes(syncApiServicesFromEnvironment), ...writeRoutes(syncApiServicesFromEnvironment) },
  () => syncApiServicesFromEnvironment().throttle,
);
