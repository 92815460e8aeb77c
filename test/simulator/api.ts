/** The Connect API tier (connectapi.garmin.com, served under /connectapi); Bearer tokens only. */
import type { Account } from './accounts';
import { type ActivitySearch, type AddedActivities, searchActivities } from './activities';
import type { SimClock } from './clock';
import type { EndpointName } from './endpoints';
import { bearerToken, decodeSegment, json, type RouteMatch, type SimRequest, type SimResponse } from './http';
import { personalInformation, socialProfile, userSettings } from './profile';
import { dailySummary } from './summaries';
import type { TokenAuthority } from './tokens';
import { isIsoDate } from './zoned-time';

const PREFIX = '/connectapi';
const MAX_LIMIT = 1000;

type Handler = (account: Account, req: SimRequest) => SimResponse;

interface Route {
  endpoint: EndpointName;
  pattern: RegExp;
  handler: Handler;
}

const badRequest = (message: string) => json(400, { message });

/** Integer query parameter; `fallback` when absent, undefined when malformed. */
function intParam(query: URLSearchParams, name: string, fallback: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

export class ConnectApi {
  private readonly routes: readonly Route[];

  constructor(
    private readonly tokens: TokenAuthority,
    private readonly clock: SimClock,
    private readonly added: AddedActivities,
  ) {
    this.routes = [
      { endpoint: 'social-profile', pattern: /^\/userprofile-service\/socialProfile\/?$/, handler: (a) => json(200, socialProfile(a)) },
      { endpoint: 'user-settings', pattern: /^\/userprofile-service\/userprofile\/user-settings\/?$/, handler: (a) => json(200, userSettings(a)) },
      {
        endpoint: 'personal-information',
        pattern: /^\/userprofile-service\/userprofile\/personal-information\/([^/]+)$/,
        handler: (a, req) => json(200, personalInformation(a, this.clock.now(), req.query.get('includeBiometric') !== 'false')),
      },
      { endpoint: 'activities', pattern: /^\/activitylist-service\/activities\/search\/activities\/?$/, handler: (a, req) => this.activities(a, req) },
      { endpoint: 'daily-summary', pattern: /^\/usersummary-service\/usersummary\/daily\/([^/]+)$/, handler: (a, req) => this.summary(a, req) },
    ];
  }

  route(req: SimRequest): RouteMatch | undefined {
    if (!req.path.startsWith(`${PREFIX}/`)) return undefined;
    const subPath = req.path.slice(PREFIX.length);
    const token = bearerToken(req);
    const account = token ? this.tokens.bearerOwner(token) : undefined;
    for (const route of this.routes) {
      const match = route.pattern.exec(subPath);
      if (!match || req.method !== 'GET') continue;
      return { endpoint: route.endpoint, account, handle: () => this.authorized(req, (owner) => this.dispatch(route, owner, req, match[1])) };
    }
    // Authentication comes first, as at Garmin: an unknown path with a bad token is a 401.
    return { endpoint: 'other', account, handle: () => this.authorized(req, () => json(404, { message: 'Not found' })) };
  }

  private authorized(req: SimRequest, run: (account: Account) => SimResponse): SimResponse {
    const auth = this.tokens.authenticate(bearerToken(req));
    return auth.ok ? run(auth.account) : json(401, { message: auth.message, error: 'Unauthorized' });
  }

  private dispatch(route: Route, account: Account, req: SimRequest, rawName: string | undefined): SimResponse {
    if (rawName !== undefined && decodeSegment(rawName) !== account.displayName) {
      // Another user's data: Garmin refuses without saying whether the user exists.
      return json(403, { message: 'Forbidden' });
    }
    return route.handler(account, req);
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
    return json(200, searchActivities(account, search, this.clock.now(), this.added));
  }

  private summary(account: Account, req: SimRequest): SimResponse {
    const date = req.query.get('calendarDate') ?? '';
    if (!isIsoDate(date)) return badRequest('calendarDate must be a date (YYYY-MM-DD)');
    return json(200, dailySummary(account, date, this.clock.now()));
  }
}
