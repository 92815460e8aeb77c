/**
 * The Connect API tier (connectapi.garmin.com, served under /connectapi). Authenticated by
 * a DI Bearer token, or by the JWT_WEB cookie of the library's fallback session.
 */
import type { Account } from './accounts';
import type { ActivitySearch } from './activity-store';
import { lastUsedDevice, syncTimestamp } from './device';
import { uploadFit } from './fit-upload';
import type { EndpointName } from './endpoints';
import { bearerToken, decodeSegment, json, type RouteMatch, type SimRequest, type SimResponse } from './http';
import { personalInformation, socialProfile, userSettings } from './profile';
import type { SimulatorState } from './state';
import { isIsoDate } from './zoned-time';

const PREFIX = '/connectapi';
const MAX_LIMIT = 1000;

type Handler = (account: Account, req: SimRequest) => SimResponse;

interface Route {
  endpoint: EndpointName;
  pattern: RegExp;
  handler: Handler;
  /** GET unless said otherwise (the library's writes). */
  method?: 'POST' | 'PUT';
}

const badRequest = (message: string) => json(400, { message });

/** The `fromEnd`-th path segment from the end (dates sit at the end of the weight and hydration paths). */
const pathDate = (req: SimRequest, fromEnd = 1): string => decodeSegment(req.path.split('/').at(-fromEnd) ?? '') ?? '';

/** The Bearer token, else the JWT_WEB cookie the library sends on its fallback session. */
const credential = (req: SimRequest): string | undefined => bearerToken(req) ?? req.cookies.get('JWT_WEB');

/** Integer query parameter; `fallback` when absent, undefined when malformed. */
function intParam(query: URLSearchParams, name: string, fallback: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

export class ConnectApi {
  private readonly routes: readonly Route[];

  constructor(private readonly state: SimulatorState) {
    this.routes = [
      { endpoint: 'social-profile', pattern: /^\/userprofile-service\/socialProfile\/?$/, handler: (a) => json(200, socialProfile(a)) },
      { endpoint: 'user-settings', pattern: /^\/userprofile-service\/userprofile\/user-settings\/?$/, handler: (a) => json(200, userSettings(a)) },
      {
        endpoint: 'personal-information',
        pattern: /^\/userprofile-service\/userprofile\/personal-information\/([^/]+)$/,
        handler: (a, req) => json(200, personalInformation(a, this.state.clock.now(), req.query.get('includeBiometric') !== 'false')),
      },
      { endpoint: 'activities', pattern: /^\/activitylist-service\/activities\/search\/activities\/?$/, handler: (a, req) => this.activities(a, req) },
      { endpoint: 'daily-summary', pattern: /^\/usersummary-service\/usersummary\/daily\/([^/]+)$/, handler: (a, req) => this.summary(a, req) },
      {
        endpoint: 'device-last-used',
        pattern: /^\/device-service\/deviceservice\/mylastused\/?$/,
        handler: (a) => json(200, lastUsedDevice(a, this.state.device.last(a, this.state.clock.now()))),
      },
      { endpoint: 'sync-timestamp', pattern: /^\/wellness-service\/wellness\/syncTimestamp\/?$/, handler: (a) => this.syncTimestamp(a) },
      ...this.wellnessRoutes(),
    ];
  }

  route(req: SimRequest): RouteMatch | undefined {
    if (!req.path.startsWith(`${PREFIX}/`)) return undefined;
    const subPath = req.path.slice(PREFIX.length);
    const token = credential(req);
    const account = token ? this.state.tokens.bearerOwner(token) : undefined;
    for (const route of this.routes) {
      const match = route.pattern.exec(subPath);
      if (!match || req.method !== (route.method ?? 'GET')) continue;
      return { endpoint: route.endpoint, account, handle: () => this.authorized(req, (owner) => this.dispatch(route, owner, req, match[1])) };
    }
    // Authentication comes first, as at Garmin: an unknown path with a bad token is a 401.
    return { endpoint: 'other', account, handle: () => this.authorized(req, () => json(404, { message: 'Not found' })) };
  }

  private authorized(req: SimRequest, run: (account: Account) => SimResponse): SimResponse {
    const auth = this.state.tokens.authenticate(credential(req));
    return auth.ok ? run(auth.account) : json(401, { message: auth.message, error: 'Unauthorized' });
  }

  private dispatch(route: Route, account: Account, req: SimRequest, rawName: string | undefined): SimResponse {
    if (rawName !== undefined && decodeSegment(rawName) !== account.displayName) {
      // Another user's data: Garmin refuses without saying whether the user exists.
      return json(403, { message: 'Forbidden' });
    }
    return route.handler(account, req);
  }

  /** Weight, hydration and sleep (wellness.ts). Only sleep's path names the user (checked like the summary's); the others' dates are not captured. */
  private wellnessRoutes(): Route[] {
    const w = this.state.wellness;
    const now = () => this.state.clock.now();
    return [
      { endpoint: 'weight-dayview', pattern: /^\/weight-service\/weight\/dayview\/(?:[^/]+)$/, handler: (a, req) => w.dayView(a, pathDate(req), now()) },
      {
        endpoint: 'weight-range',
        pattern: /^\/weight-service\/weight\/range\/(?:[^/]+)\/(?:[^/]+)$/,
        handler: (a, req) => w.range(a, pathDate(req, 2), pathDate(req), now()),
      },
      { endpoint: 'weight-add', pattern: /^\/weight-service\/user-weight\/?$/, method: 'POST', handler: (a, req) => w.addWeighIn(a, req, now()) },
      { endpoint: 'fit-upload', pattern: /^\/upload-service\/upload\/?$/, method: 'POST', handler: (a, req) => uploadFit(w, a, req, now()) },
      {
        endpoint: 'hydration-daily',
        pattern: /^\/usersummary-service\/usersummary\/hydration\/daily\/(?:[^/]+)$/,
        handler: (a, req) => w.hydrationDaily(a, pathDate(req), now()),
      },
      {
        endpoint: 'hydration-log',
        pattern: /^\/usersummary-service\/usersummary\/hydration\/log\/?$/,
        method: 'PUT',
        handler: (a, req) => w.logHydration(a, req, now()),
      },
      {
        endpoint: 'sleep-daily',
        pattern: /^\/wellness-service\/wellness\/dailySleepData\/([^/]+)$/,
        handler: (a, req) => w.sleepDaily(a, req.query.get('date'), now()),
      },
    ];
  }

  private activities(account: Account, req: SimRequest): SimResponse {
    const start = intParam(req.query, 'start', 0);
    const limit = intParam(req.query, 'limit', 20);
    if (start === undefined || limit === undefined || limit === 0) return badRequest('start and limit must be non-negative integers, limit at least 1');
    const startDate = req.query.get('startDate') || undefined;
    const endDate = req.query.get('endDate') || undefined;
    const activityType = req.query.get('activityType') || undefined;
    for (const date of [startDate, endDate]) {
      if (date !== undefined && !isIsoDate(date)) return badRequest(`Invalid date: ${date}`);
    }
    const search: ActivitySearch = {
      start,
      limit: Math.min(limit, MAX_LIMIT),
      ...(startDate ? { startDate } : {}),
      ...(endDate ? { endDate } : {}),
      ...(activityType ? { activityType } : {}),
      ascending: req.query.get('sortOrder')?.toLowerCase() === 'asc',
    };
    return json(200, this.state.activities.search(account, search, this.state.clock.now()));
  }

  private summary(account: Account, req: SimRequest): SimResponse {
    const date = req.query.get('calendarDate') ?? '';
    if (!isIsoDate(date)) return badRequest('calendarDate must be a date (YYYY-MM-DD)');
    return this.state.days.respond(account, date, this.state.clock.now());
  }

  private syncTimestamp(account: Account): SimResponse {
    const last = this.state.device.last(account, this.state.clock.now());
    // A device that never uploaded has no timestamp to give.
    return last === undefined ? { status: 204 } : json(200, syncTimestamp(last));
  }
}
