/** Read function: the connection, activities, daily summaries, energy per day, profile and change feed. Reads only. */
import { ActivitiesQuery, DailySummariesQuery } from '../core/api-schemas';
import { ChangesQuery } from '../core/events/feed-service';
import type { Services } from '../core/services';
import { type Route, httpHandler, parse } from './commons/http';
import { readServicesFromEnvironment } from './commons/runtime';

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
  'GET /garmin/weight': async ({ userId, query }) => ({
    status: 200,
    body: await services().read.weight(userId, parse(DailySummariesQuery, query, 'query')),
  }),
  'GET /garmin/hydration': async ({ userId, query }) => ({
    status: 200,
    body: await services().read.hydration(userId, parse(DailySummariesQuery, query, 'query')),
  }),
  'GET /garmin/sleep': async ({ userId, query }) => ({
    status: 200,
    body: await services().read.sleep(userId, parse(DailySummariesQuery, query, 'query')),
  }),
  'GET /garmin/profile': async ({ userId }) => ({ status: 200, body: await services().read.profile(userId) }),
  'GET /garmin/changes': async ({ userId, query }) => ({
    status: 200,
    body: await services().feed.changes(userId, parse(ChangesQuery, query, 'query')),
  }),
});

export const handler = httpHandler(readRoutes(readServicesFromEnvironment), () => readServicesFromEnvironment().throttle);
