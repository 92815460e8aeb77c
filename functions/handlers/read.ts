/** Read function: the connection, activities, daily summaries, energy per day, profile and change feed. Reads only. */
import type { ReadServices } from '../core/services';
import { type RouteHandlers, httpHandler } from './commons/http';
import { readServicesFromEnvironment } from './commons/runtime';

export const readRoutes = (services: () => ReadServices): RouteHandlers<'read'> => ({
  'GET /garmin/connection': async ({ userId }) => ({
    status: 200,
    body: { connection: await services().connection.status(userId) },
  }),
  'GET /garmin/activities': async ({ userId, query }) => ({ status: 200, body: await services().read.activities(userId, query) }),
  'GET /garmin/daily-summaries': async ({ userId, query }) => ({ status: 200, body: await services().read.dailySummaries(userId, query) }),
  'GET /garmin/energy': async ({ userId, query }) => ({ status: 200, body: await services().read.energy(userId, query) }),
  'GET /garmin/weight': async ({ userId, query }) => ({ status: 200, body: await services().read.weight(userId, query) }),
  'GET /garmin/hydration': async ({ userId, query }) => ({ status: 200, body: await services().read.hydration(userId, query) }),
  'GET /garmin/sleep': async ({ userId, query }) => ({ status: 200, body: await services().read.sleep(userId, query) }),
  'GET /garmin/profile': async ({ userId }) => ({ status: 200, body: await services().read.profile(userId) }),
  'GET /garmin/changes': async ({ userId, query }) => ({ status: 200, body: await services().feed.changes(userId, query) }),
});

export const handler = httpHandler('read', readRoutes(readServicesFromEnvironment), () => readServicesFromEnvironment().throttle);
