/** Read function: the connection, activities, daily summaries, energy per day and profile. Reads only. */
import { ActivitiesQuery, DailySummariesQuery } from '../core/api-schemas';
import type { Services } from '../core/services';
import { type Route, httpHandler, parse } from './commons/http';
import { servicesFromEnvironment } from './commons/runtime';

export const readRoutes = (services: () => Services): Record<string, Route> => ({
  'GET /garmin/connection': async ({ userId }) => ({
    status: 200,
    body: { connection: await services().connection.status(userId) },
  }),
  'GET /garmin/activities': async ({ userId, query }) => ({
    status: 200,
    body: await services().read.activities(userId, parse(ActivitiesQuery, query, 'query')),
  }),
  'GET /garmin/daily-summaries': async ({ userId, query }) => ({
    status: 200,
    body: await services().read.dailySummaries(userId, parse(DailySummariesQuery, query, 'query')),
  }),
  'GET /garmin/energy': async ({ userId, query }) => ({
    status: 200,
    body: await services().read.energy(userId, parse(DailySummariesQuery, query, 'query')),
  }),
  'GET /garmin/profile': async ({ userId }) => ({ status: 200, body: await services().read.profile(userId) }),
});

export const handler = httpHandler(readRoutes(servicesFromEnvironment));
