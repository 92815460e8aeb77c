import { describe, expect, it } from 'vitest';
import { activitiesPath, ATHLETE, type Json, MFA_USER, PASSWORD, simulatorForFile } from './helpers';

const PROFILE = '/userprofile-service/socialProfile';

interface Counters {
  total: number;
  byEndpoint: Record<string, number>;
  byAccount: Record<string, Record<string, number>>;
}

interface LogEntry {
  method: string;
  endpoint: string;
  path: string;
  query: Record<string, string>;
  status: number;
  account: string | null;
  faultId: string | null;
}

const file = simulatorForFile({ login: true });
const { sim } = file;

const fault = async (spec: Json) => {
  const answer = await sim.control<{ id: string }>('POST', '/faults', spec);
  expect(answer.status).toBe(201);
  return answer.body.id;
};

const statuses = async (n: number, token = file.token, path = activitiesPath) => {
  const seen: number[] = [];
  for (let i = 0; i < n; i++) seen.push((await sim.api(token, path, { start: 0, limit: 5 })).status);
  return seen;
};

describe('faults', () => {
  it('lets `skip` requests through, then fails `count` of them', async () => {
    const id = await fault({ endpoint: 'activities', status: 503, skip: 1, count: 2 });
    expect(await statuses(4)).toEqual([200, 503, 503, 200]);
    const listed = (await sim.control<{ id: string; seen: number; hits: number }[]>('GET', '/faults')).body;
    expect(listed).toEqual([expect.objectContaining({ id, seen: 3, hits: 2 })]);
  });

  it('fails every matching request without a count, and stops once cleared', async () => {
    await fault({ endpoint: 'activities', status: 500 });
    expect(await statuses(3)).toEqual([500, 500, 500]);
    expect((await sim.api(file.token, PROFILE)).status).toBe(200);
    await sim.control('DELETE', '/faults');
    expect(await statuses(1)).toEqual([200]);
  });

  it('sends Retry-After with a 429', async () => {
    await fault({ endpoint: 'social-profile', status: 429, retryAfter: 30, count: 1 });
    const answer = await sim.api<Json>(file.token, PROFILE);
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('30');
    expect(answer.body.message).toEqual(expect.any(String));
  });

  it('targets one account when asked to', async () => {
    await fault({ account: MFA_USER, endpoint: '*', status: 502 });
    expect(await statuses(2)).toEqual([200, 200]);
    const login = await sim.ssoLogin(MFA_USER, PASSWORD);
    expect(login.status).toBe(502);
  });

  it('"sso" covers every /sso path before routing, and nothing else', async () => {
    await fault({ endpoint: 'sso', status: 503, count: 2 });
    expect((await fetch(`${sim.url}/sso/sso/embed`)).status).toBe(503);
    expect((await fetch(`${sim.url}/sso/mobile/sso/en_US/sign-in`)).status).toBe(503);
    expect((await fetch(`${sim.url}/sso/mobile/sso/en_US/sign-in`)).status).toBe(200);
    expect(await statuses(1)).toEqual([200]);
  });

  it('adds latency, alone or before a status', async () => {
    await fault({ endpoint: 'activities', latencyMs: 150, count: 1 });
    const started = Date.now();
    expect(await statuses(1)).toEqual([200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('rejects malformed fault specs', async () => {
    for (const spec of [
      { endpoint: 'activities', status: 404 },
      { endpoint: 'nope', status: 500 },
      { endpoint: 'activities' },
      { endpoint: 'activities', status: 500, account: 'ghost@example.com' },
      { endpoint: 'activities', status: 500, extra: true },
    ]) {
      expect((await sim.control('POST', '/faults', spec)).status).toBe(400);
    }
  });
});

describe('counters and the request log', () => {
  it('counts Garmin requests by endpoint and account, never control calls', async () => {
    // beforeEach logged in: sign-in page, credentials, ticket exchange.
    await sim.api(file.token, PROFILE);
    await sim.api(file.token, activitiesPath, { start: 0, limit: 3, startDate: '2026-01-01' });
    await fetch(`${sim.url}/nowhere`);
    const counters = (await sim.control<Counters>('GET', '/counters')).body;
    expect(counters.total).toBe(6);
    expect(counters.byEndpoint).toMatchObject({
      'sso-signin-page': 1,
      'sso-login': 1,
      'sso-mfa-verify': 0,
      'token-exchange': 1,
      'token-refresh': 0,
      'social-profile': 1,
      activities: 1,
      other: 1,
    });
    expect(counters.byAccount).toEqual({
      [ATHLETE]: { 'sso-login': 1, 'token-exchange': 1, 'social-profile': 1, activities: 1 },
    });

    await sim.control('POST', '/counters/reset');
    const reset = (await sim.control<Counters>('GET', '/counters')).body;
    expect(reset.total).toBe(0);
    expect(Object.values(reset.byEndpoint).every((n) => n === 0)).toBe(true);
    expect(reset.byAccount).toEqual({});
    expect((await sim.control<LogEntry[]>('GET', '/requests')).body).toEqual([]);
  });

  it('logs each request with selected query parameters and no secrets', async () => {
    await fault({ endpoint: 'daily-summary', status: 503, count: 1 });
    await sim.api(file.token, '/usersummary-service/usersummary/daily/athlete-42', { calendarDate: '2026-01-05' });
    const rotated = await sim.refresh(file.athlete.refresh_token);
    const log = (await sim.control<LogEntry[]>('GET', '/requests')).body;

    expect(log.map((e) => e.endpoint)).toEqual(['sso-signin-page', 'sso-login', 'token-exchange', 'daily-summary', 'token-refresh']);
    expect(log[3]).toMatchObject({
      method: 'GET',
      path: '/connectapi/usersummary-service/usersummary/daily/athlete-42',
      query: { calendarDate: '2026-01-05' },
      status: 503,
      account: ATHLETE,
      faultId: expect.any(String),
    });
    const text = JSON.stringify(log);
    for (const secret of [PASSWORD, file.token, file.athlete.refresh_token, rotated.body.refresh_token as string, 'ST-']) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('reset and clock', () => {
  it('forgets tokens, faults, added activities and the clock shift', async () => {
    await fault({ endpoint: 'social-profile', status: 500 });
    const added = (await sim.control<{ activityId: number }>('POST', `/accounts/${ATHLETE}/activities`, {})).body;
    await sim.control('POST', '/clock', { now: '2030-01-01T00:00:00Z' });

    await sim.control('POST', '/reset');
    expect((await sim.api(file.token, PROFILE)).status).toBe(401);
    expect((await sim.control('GET', '/faults')).body).toEqual([]);
    const clock = (await sim.control<{ now: string }>('GET', '/clock')).body;
    expect(Math.abs(Date.parse(clock.now) - Date.now())).toBeLessThan(5000);
    const fresh = await sim.login();
    const newest = (await sim.api<{ activityId: number }[]>(fresh.access_token, activitiesPath, { limit: 1000 })).body;
    expect(newest.map((a) => a.activityId)).not.toContain(added.activityId);
  });

  it('sets and advances the simulated clock', async () => {
    expect((await sim.control('POST', '/clock', { now: '2026-03-01T12:00:00Z' })).body).toEqual({ now: '2026-03-01T12:00:00.000Z' });
    const moved = (await sim.control<{ now: string }>('POST', '/clock', { advanceSeconds: 3600 })).body;
    expect(Date.parse(moved.now) - Date.parse('2026-03-01T13:00:00Z')).toBeLessThan(5000);
    expect((await sim.control('POST', '/clock', { now: 'yesterday' })).status).toBe(400);
    expect((await sim.control('POST', '/accounts/ghost@example.com/revoke')).status).toBe(404);
    expect((await sim.control('POST', `/accounts/${ATHLETE}/tokens`, { accessTtlSeconds: 0 })).status).toBe(400);
  });
});
