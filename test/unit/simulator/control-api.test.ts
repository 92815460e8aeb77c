/** The control API for accounts, raw activities, days, tokens, DI exchange, SSO block and device sync. */
import { beforeEach, describe, expect, it } from 'vitest';
import { RECORDED_ACTIVITY } from '../../simulator/recorded';
import { activitiesPath, ATHLETE, type Json, MFA_USER, PASSWORD, simulatorForFile, summaryPath } from './helpers';

const NOW = '2026-06-15T10:00:00Z';
const DISPLAY_NAME = 'athlete-42';
const NEW_USER = 'new.runner@example.com';
const PROFILE = '/userprofile-service/socialProfile';

const { sim } = simulatorForFile({ now: NOW });

const search = async (token: string, params: Record<string, string | number> = {}) =>
  (await sim.api<Json[]>(token, activitiesPath, { limit: 1000, ...params })).body;
const ids = (items: Json[]) => items.map((a) => a.activityId);
const raw = (fields: Json = {}): Json => ({ ...RECORDED_ACTIVITY, ...fields });

describe('accounts', () => {
  it('creates an empty account that logs in and holds no activities and no wellness data', async () => {
    const created = await sim.control<Json>('POST', '/accounts', { email: NEW_USER, password: 'pw-123', timeZone: 'Asia/Tokyo', displayName: 'new-runner' });
    expect(created).toEqual({ status: 201, body: { email: NEW_USER, displayName: 'new-runner', profileId: expect.any(Number) } });
    expect((await sim.control('POST', '/accounts', { email: NEW_USER.toUpperCase(), password: 'x' })).status).toBe(409);

    const { access_token: token } = await sim.login(NEW_USER, 'pw-123');
    expect(await search(token)).toEqual([]);
    const day = (await sim.api<Json>(token, summaryPath('new-runner'), { calendarDate: '2026-06-14' })).body;
    expect(day).toMatchObject({ includesWellnessData: false, totalSteps: null });
    const settings = await sim.control<Json>('GET', `/accounts/${NEW_USER}`);
    expect(settings.body).toMatchObject({ email: NEW_USER, timeZone: 'Asia/Tokyo', seeded: false, mfa: false, deviceLastUploadAt: null });
  });

  it('creates a seeded account with `days` of history and an MFA code', async () => {
    await sim.control('POST', '/accounts', { email: NEW_USER, password: 'pw-123', mfaCode: '999000', seeded: true, days: 14 });
    const login = await sim.ssoLogin(NEW_USER, 'pw-123');
    expect(login.body.responseStatus).toMatchObject({ type: 'MFA_REQUIRED' });
    const verified = await sim.verifyMfa(login.cookie, '999000');
    const tokens = await sim.exchange(verified.body.serviceTicketId as string);
    const items = await search(tokens.body.access_token as string);
    expect(items.length).toBeGreaterThan(3);
    const oldest = items.map((a) => String(a.startTimeLocal)).sort()[0] ?? '';
    expect(oldest >= '2026-06-02').toBe(true);
  });

  it('rejects bad bodies with a JSON 400, unknown accounts with 404, and forgets created accounts on reset', async () => {
    const bad = await sim.control<Json>('POST', '/accounts', { email: NEW_USER, password: 'pw', timeZone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.stringContaining('timeZone')]);
    expect((await sim.control('GET', '/accounts/nobody@example.com')).status).toBe(404);
    await sim.control('POST', '/accounts', { email: NEW_USER, password: 'pw' });
    await sim.control('POST', '/reset');
    expect((await sim.control('GET', `/accounts/${NEW_USER}`)).status).toBe(404);
  });
});

describe('activities', () => {
  let token: string;
  beforeEach(async () => {
    token = (await sim.login()).access_token;
  });

  it('adds a raw activity once (409 again), requires its id and times, and replaces it with PUT', async () => {
    expect((await sim.control('POST', `/accounts/${ATHLETE}/activities`, { activity: raw() })).status).toBe(201);
    expect((await sim.control('POST', `/accounts/${ATHLETE}/activities`, { activity: raw() })).status).toBe(409);
    const missing = await sim.control<Json>('POST', `/accounts/${ATHLETE}/activities`, { activity: { activityName: 'x', startTimeLocal: '2026-01-01 10:00:00' } });
    expect(missing.status).toBe(400);

    const edited = raw({ activityName: 'Renamed', calories: 555, activityType: { typeId: 3, typeKey: 'hiking', parentTypeId: 17, isHidden: false, restricted: false, trimmable: true } });
    const put = await sim.control('PUT', `/accounts/${ATHLETE}/activities/${String(RECORDED_ACTIVITY.activityId)}`, { activity: edited });
    expect(put.status).toBe(200);
    const day = String(RECORDED_ACTIVITY.startTimeLocal).slice(0, 10);
    const listed = (await search(token, { startDate: day, endDate: day })).filter((a) => a.activityId === RECORDED_ACTIVITY.activityId);
    expect(listed).toEqual([edited]);
    expect((await sim.control('PUT', `/accounts/${ATHLETE}/activities/1`, { activity: edited })).status).toBe(400);
  });

  it('deletes generated and added activities (204), then 404', async () => {
    const [generated] = await search(token, { startDate: '2026-06-01', endDate: '2026-06-14' });
    const id = Number(generated?.activityId);
    expect((await sim.control('DELETE', `/accounts/${ATHLETE}/activities/${id}`)).status).toBe(204);
    expect(ids(await search(token, { startDate: '2026-06-01', endDate: '2026-06-14' }))).not.toContain(id);
    expect((await sim.control('DELETE', `/accounts/${ATHLETE}/activities/${id}`)).status).toBe(404);

    await sim.control('POST', `/accounts/${ATHLETE}/activities`, { activity: raw() });
    expect((await sim.control('DELETE', `/accounts/${ATHLETE}/activities/${String(RECORDED_ACTIVITY.activityId)}`)).status).toBe(204);
    expect(ids(await search(token))).not.toContain(RECORDED_ACTIVITY.activityId);
  });

  it('lists a late upload (started 30 days ago) only from its upload time, and it moves the device sync', async () => {
    const late = raw({ activityId: 99_000_000_001, startTimeLocal: '2026-05-16 07:00:00', startTimeGMT: '2026-05-16 05:00:00' });
    await sim.control('POST', `/accounts/${ATHLETE}/activities`, { activity: late, uploadedAt: '2026-06-15T12:00:00Z' });
    const may = { startDate: '2026-05-16', endDate: '2026-05-16' };
    expect(ids(await search(token, may))).not.toContain(late.activityId);
    await sim.setClock('2026-06-15T12:00:01Z');
    expect(ids(await search(token, may))).toContain(late.activityId);
    const device = (await sim.api<Json>(token, '/device-service/deviceservice/mylastused')).body;
    expect(device.lastUsedDeviceUploadTime).toBe(Date.parse('2026-06-15T12:00:00Z'));
  });
});

describe('days', () => {
  it('serves an empty day as 204, privacy-protected and no-data days, and DELETE restores the generated day', async () => {
    const { access_token: token } = await sim.login();
    const get = (date: string) => sim.api<Json>(token, summaryPath(DISPLAY_NAME), { calendarDate: date });
    const generated = (await sim.api<Json>(token, summaryPath(DISPLAY_NAME), { calendarDate: '2026-06-10' })).body;

    await sim.control('PUT', `/accounts/${ATHLETE}/days/2026-06-10`, { empty: true });
    const empty = await fetch(`${sim.url}/connectapi${summaryPath(DISPLAY_NAME)}?calendarDate=2026-06-10`, { headers: { authorization: `Bearer ${token}` } });
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');

    await sim.control('PUT', `/accounts/${ATHLETE}/days/2026-06-10`, { privacyProtected: true });
    expect((await get('2026-06-10')).body).toMatchObject({ privacyProtected: true, totalSteps: null });
    await sim.control('PUT', `/accounts/${ATHLETE}/days/2026-06-10`, { noData: true });
    expect((await get('2026-06-10')).body).toMatchObject({ privacyProtected: false, includesWellnessData: false, totalSteps: null });

    expect((await sim.control('PUT', `/accounts/${ATHLETE}/days/2026-06-10`, { empty: false })).status).toBe(400);
    expect((await sim.control('DELETE', `/accounts/${ATHLETE}/days/2026-06-10`)).status).toBe(204);
    expect((await get('2026-06-10')).body).toEqual(generated);
  });
});

describe('token lifetimes', () => {
  it('issues tokens with the set lifetimes and refuses an expired refresh token with invalid_grant', async () => {
    const set = await sim.control<Json>('POST', `/accounts/${ATHLETE}/tokens`, { accessTtlSeconds: 600, refreshTtlSeconds: 7200 });
    expect(set.body).toEqual({ ok: true, accessTtlSeconds: 600, refreshTtlSeconds: 7200 });
    const tokens = await sim.login();
    expect(tokens).toMatchObject({ expires_in: 600, refresh_token_expires_in: 7200 });

    const rotated = await sim.refresh(tokens.refresh_token);
    expect(rotated.status).toBe(200);
    expect((await sim.refresh(tokens.refresh_token)).status).toBe(400);

    await sim.control('POST', '/clock', { advanceSeconds: 7201 });
    const expired = await sim.refresh(rotated.body.refresh_token as string);
    expect(expired).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Refresh token expired' } });
    expect((await sim.control('POST', `/accounts/${ATHLETE}/tokens`, {})).status).toBe(400);
  });
});

describe('DI exchange failure', () => {
  it('fails the exchange without spending the ticket, which then buys a JWT_WEB cookie the API accepts', async () => {
    await sim.control('POST', `/accounts/${ATHLETE}/di-exchange`, { fail: true });
    const ticket = (await sim.ssoLogin(ATHLETE, PASSWORD)).body.serviceTicketId as string;
    expect((await sim.exchange(ticket)).status).toBe(400);

    const web = await fetch(`${sim.url}/mobile-integration/gcm/ios?ticket=${ticket}`);
    expect(web.status).toBe(200);
    const cookie = (web.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^JWT_WEB=[\w-]+\.[\w-]+\.[\w-]+$/);
    const profile = await fetch(`${sim.url}/connectapi${PROFILE}`, { headers: { cookie } });
    expect(profile.status).toBe(200);
    expect((await fetch(`${sim.url}/mobile-integration/gcm/ios?ticket=${ticket}`)).status).toBe(401);

    await sim.control('POST', `/accounts/${ATHLETE}/di-exchange`, { fail: false });
    expect((await sim.login()).access_token).toEqual(expect.any(String));
  });
});

describe('SSO block', () => {
  it('refuses every SSO request with a Cloudflare 429 page until `until`, while API and refresh keep working', async () => {
    const tokens = await sim.login();
    await sim.control('POST', '/sso-block', { status: 429, until: '2026-06-15T11:00:00Z' });
    const page = await fetch(`${sim.url}/sso/mobile/sso/en_US/sign-in`);
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toBe('3600');
    expect(await page.text()).toContain('Cloudflare');
    expect((await fetch(`${sim.url}/sso/sso/embed`)).status).toBe(429);
    expect((await sim.ssoLogin(MFA_USER, PASSWORD)).status).toBe(429);

    expect((await sim.api(tokens.access_token, PROFILE)).status).toBe(200);
    expect((await sim.refresh(tokens.refresh_token)).status).toBe(200);

    await sim.setClock('2026-06-15T11:00:00Z');
    expect((await sim.ssoLogin(ATHLETE, PASSWORD)).status).toBe(200);
  });

  it('blocks only the listed accounts (403), and is lifted by DELETE', async () => {
    await sim.control('POST', '/sso-block', { status: 403, accounts: [ATHLETE] });
    expect((await sim.ssoLogin(ATHLETE, PASSWORD)).status).toBe(403);
    expect((await sim.ssoLogin(MFA_USER, PASSWORD)).status).toBe(200);
    expect((await sim.control('POST', '/sso-block', { status: 500 })).status).toBe(400);
    expect((await sim.control('DELETE', '/sso-block')).status).toBe(204);
    expect((await sim.ssoLogin(ATHLETE, PASSWORD)).status).toBe(200);
  });
});

describe('device sync', () => {
  it('defaults to the last generated upload and can be set; both endpoints serve it', async () => {
    const { access_token: token } = await sim.login();
    const before = (await sim.api<Json>(token, '/device-service/deviceservice/mylastused')).body;
    expect(before).toMatchObject({ userDeviceId: expect.any(Number), lastUsedDeviceName: expect.any(String) });
    const last = before.lastUsedDeviceUploadTime as number;
    expect(last).toBeLessThanOrEqual(Date.parse(NOW));
    expect(last).toBeGreaterThan(Date.parse(NOW) - 14 * 86_400_000);

    await sim.control('POST', `/accounts/${ATHLETE}/device-sync`, { at: '2026-06-01T06:30:00Z' });
    expect((await sim.api<Json>(token, '/device-service/deviceservice/mylastused')).body.lastUsedDeviceUploadTime).toBe(Date.parse('2026-06-01T06:30:00Z'));
    expect((await sim.api<string>(token, '/wellness-service/wellness/syncTimestamp')).body).toBe('2026-06-01T06:30:00.0');
  });
});

describe('control traffic', () => {
  it('is never counted as Garmin traffic', async () => {
    await sim.control('POST', '/counters/reset');
    await sim.control('POST', '/accounts', { email: NEW_USER, password: 'pw' });
    await sim.control('PUT', `/accounts/${ATHLETE}/days/2026-06-10`, { empty: true });
    await sim.control('POST', '/sso-block', { status: 429 });
    expect((await sim.control<{ total: number }>('GET', '/counters')).body.total).toBe(0);
  });
});
