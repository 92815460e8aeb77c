import { describe, expect, it } from 'vitest';
import { type ActivityItem, activitiesPath, ATHLETE, type Json, SimHarness, simulatorForFile, summaryPath } from './helpers';

// 12:00 in Berlin. The clock is pinned so nothing depends on the day the tests run.
const NOW = '2026-06-15T10:00:00Z';
const DISPLAY_NAME = 'athlete-42';

const file = simulatorForFile({ now: NOW, login: true });
const { sim } = file;

const list = async (params: Record<string, string | number>) => {
  const response = await sim.api<ActivityItem[]>(file.token, activitiesPath, params);
  expect(response.status).toBe(200);
  return response.body;
};

const summary = async (date: string) => {
  const response = await sim.api<Json>(file.token, summaryPath(DISPLAY_NAME), { calendarDate: date });
  expect(response.status).toBe(200);
  return response.body;
};

describe('deterministic data', () => {
  it('gives the same activities and summaries for a date on another instance on another day', async () => {
    const other = await SimHarness.start();
    try {
      await other.setClock('2026-09-01T18:00:00Z');
      const otherToken = (await other.login()).access_token;
      const march = { startDate: '2026-03-01', endDate: '2026-03-31', limit: 1000 };

      const here = await list(march);
      const there = (await other.api<ActivityItem[]>(otherToken, activitiesPath, march)).body;
      expect(here.length).toBeGreaterThan(10);
      expect(there).toEqual(here);

      const otherSummary = (await other.api<Json>(otherToken, summaryPath(DISPLAY_NAME), { calendarDate: '2026-03-10' })).body;
      expect(otherSummary).toEqual(await summary('2026-03-10'));
      expect(otherSummary.totalSteps).toEqual(expect.any(Number));
    } finally {
      await other.close();
    }
  });

  it('shapes activities like Garmin list items', async () => {
    const [activity] = await list({ limit: 1 });
    expect(activity).toMatchObject({
      activityId: expect.any(Number),
      activityName: expect.any(String),
      startTimeLocal: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      startTimeGMT: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      beginTimestamp: expect.any(Number),
      activityType: { typeId: expect.any(Number), typeKey: expect.any(String), parentTypeId: expect.any(Number), isHidden: false },
      duration: expect.any(Number),
      elapsedDuration: expect.any(Number),
      movingDuration: expect.any(Number),
      calories: expect.any(Number),
      ownerDisplayName: DISPLAY_NAME,
      manufacturer: 'GARMIN',
    });
    expect(new Date(activity?.beginTimestamp ?? 0).toISOString().slice(0, 19).replace('T', ' ')).toBe(activity?.startTimeGMT);
  });
});

describe('activity search', () => {
  const yearWindow = { startDate: '2025-06-16', endDate: '2026-06-15' };

  it('holds a few hundred activities a year, newest first, with unique ids', async () => {
    const year = await list({ ...yearWindow, limit: 1000 });
    expect(year.length).toBeGreaterThan(200);
    expect(year.length).toBeLessThan(700);
    expect(new Set(year.map((a) => a.activityId)).size).toBe(year.length);
    const starts = year.map((a) => a.startTimeLocal);
    expect(starts).toEqual([...starts].sort().reverse());
    expect(new Set(year.map((a) => a.activityType.typeKey))).toEqual(
      new Set(['running', 'cycling', 'lap_swimming', 'walking', 'strength_training', 'hiking']),
    );
  });

  it('pages with start/limit, defaults to 20 and sorts ascending on request', async () => {
    const full = await list({ ...yearWindow, limit: 1000 });
    const paged: ActivityItem[] = [];
    for (let start = 0; ; start += 50) {
      const page = await list({ ...yearWindow, start, limit: 50 });
      paged.push(...page);
      if (page.length < 50) break;
    }
    expect(paged).toEqual(full);
    expect(await list({ ...yearWindow })).toEqual(full.slice(0, 20));
    expect(await list({ ...yearWindow, limit: 1000, sortOrder: 'asc' })).toEqual([...full].reverse());
    expect(await list({ ...yearWindow, start: full.length })).toEqual([]);
  });

  it('filters on the local start date, both ends inclusive', async () => {
    const days = await list({ startDate: '2026-05-10', endDate: '2026-05-12', limit: 1000 });
    expect(days.length).toBeGreaterThan(0);
    for (const a of days) expect(a.startTimeLocal.slice(0, 10) >= '2026-05-10' && a.startTimeLocal.slice(0, 10) <= '2026-05-12').toBe(true);
    const wider = await list({ startDate: '2026-05-09', endDate: '2026-05-13', limit: 1000 });
    expect(wider.filter((a) => a.startTimeLocal >= '2026-05-10' && a.startTimeLocal < '2026-05-13')).toEqual(days);

    // 01:30 in Berlin is still the previous day in UTC; the local date decides.
    const early = (await sim.control<ActivityItem>('POST', `/accounts/${ATHLETE}/activities`, { startTimeLocal: '2026-06-14 01:30:00' })).body;
    expect(early.startTimeGMT).toBe('2026-06-13 23:30:00');
    expect((await list({ startDate: '2026-06-14', endDate: '2026-06-14' })).map((a) => a.activityId)).toContain(early.activityId);
    expect((await list({ startDate: '2026-06-13', endDate: '2026-06-13' })).map((a) => a.activityId)).not.toContain(early.activityId);
  });

  it('filters by type and rejects malformed parameters', async () => {
    const runs = await list({ ...yearWindow, limit: 1000, activityType: 'running' });
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((a) => a.activityType.typeKey === 'running')).toBe(true);
    expect((await sim.api(file.token, activitiesPath, { limit: 'ten' })).status).toBe(400);
    expect((await sim.api(file.token, activitiesPath, { startDate: '2026-02-30' })).status).toBe(400);
  });

  it('lists an added activity at once, newest first', async () => {
    const added = await sim.control<ActivityItem>('POST', `/accounts/${ATHLETE}/activities`, { typeKey: 'cycling' });
    expect(added.status).toBe(201);
    expect(added.body.startTimeLocal).toBe('2026-06-15 12:00:00');
    const [newest] = await list({ limit: 1 });
    expect(newest).toEqual(added.body);
    expect((await sim.control('POST', `/accounts/${ATHLETE}/activities`, { typeKey: 'yoga' })).status).toBe(400);
  });

  it('lists a generated activity only once it has ended', async () => {
    const may = await list({ startDate: '2026-05-01', endDate: '2026-05-31', limit: 1000 });
    const afternoon = may.find((a) => a.startTimeLocal.slice(11) > '16:00:00');
    if (!afternoon) throw new Error('May has no afternoon activity');
    const day = afternoon.startTimeLocal.slice(0, 10);
    const idsOnDay = async () => (await list({ startDate: day, endDate: day })).map((a) => a.activityId);

    await sim.setClock(new Date(afternoon.beginTimestamp + 60_000).toISOString());
    expect(await idsOnDay()).not.toContain(afternoon.activityId);
    await sim.setClock(new Date(afternoon.beginTimestamp + afternoon.elapsedDuration * 1000 + 1000).toISOString());
    expect(await idsOnDay()).toContain(afternoon.activityId);
  });
});

describe('daily summaries', () => {
  it('keeps past days fixed while today is provisional and grows with the day', async () => {
    await sim.setClock('2026-06-15T04:00:00Z'); // 06:00 in Berlin
    // The clock moves by days here; a token that outlives that keeps the test about data.
    await sim.control('POST', `/accounts/${ATHLETE}/tokens`, { accessTtlSeconds: 7 * 86_400 });
    await file.signIn();
    const yesterdayEarly = await summary('2026-06-14');
    const morning = await summary('2026-06-15');
    await sim.control('POST', '/clock', { advanceSeconds: 10 * 3600 }); // 16:00
    const afternoon = await summary('2026-06-15');

    expect(morning.calendarDate).toBe('2026-06-15');
    expect(morning.wellnessEndTimeLocal).toBe('2026-06-15T06:00:00.0');
    expect(afternoon.wellnessEndTimeLocal).toBe('2026-06-15T16:00:00.0');
    for (const key of ['totalSteps', 'totalKilocalories', 'bmrKilocalories', 'activeSeconds', 'totalDistanceMeters']) {
      expect(afternoon[key] as number).toBeGreaterThan(morning[key] as number);
    }
    expect(await summary('2026-06-14')).toEqual(yesterdayEarly);
    expect(yesterdayEarly.wellnessEndTimeLocal).toBe('2026-06-15T00:00:00.0');

    await sim.setClock('2026-06-15T22:30:00Z'); // 00:30 the next day: the 15th is final
    const final = await summary('2026-06-15');
    await sim.control('POST', '/clock', { advanceSeconds: 30 * 3600 });
    expect(await summary('2026-06-15')).toEqual(final);
    expect(final.totalSteps as number).toBeGreaterThanOrEqual(afternoon.totalSteps as number);
    expect(final.durationInMilliseconds).toBe(86_400_000);
  });

  it('answers days outside the history with the empty-day shape', async () => {
    const tomorrow = await summary('2026-06-16');
    const beforeHistory = await summary('2024-06-15'); // 730 days end on 2026-06-15
    for (const empty of [tomorrow, beforeHistory]) {
      expect(empty).toMatchObject({ totalSteps: null, totalKilocalories: null, restingHeartRate: null, privacyProtected: false, includesWellnessData: false });
    }
    expect(tomorrow.calendarDate).toBe('2026-06-16');
    expect((await summary('2024-06-16')).totalSteps).toEqual(expect.any(Number));
  });

  it('requires a valid calendarDate and the caller\'s own display name', async () => {
    expect((await sim.api(file.token, summaryPath(DISPLAY_NAME), { calendarDate: '15.06.2026' })).status).toBe(400);
    expect((await sim.api(file.token, summaryPath('mfa-runner-7'), { calendarDate: '2026-06-01' })).status).toBe(403);
  });
});

describe('profile', () => {
  it('serves the social profile, user settings and personal information', async () => {
    const social = (await sim.api<Json>(file.token, '/userprofile-service/socialProfile')).body;
    expect(social).toMatchObject({ displayName: DISPLAY_NAME, fullName: 'Alex Athlete', profileId: 42_424_242, userName: ATHLETE });
    // As recorded at Garmin, the social profile's own id is not the profile id.
    expect(social.id).toEqual(expect.any(Number));
    expect(social.id).not.toBe(social.profileId);
    const settings = (await sim.api<{ userData: Json }>(file.token, '/userprofile-service/userprofile/user-settings')).body;
    expect(settings.userData.measurementSystem).toBe('metric');
    const personal = await sim.api<{ userInfo: Json }>(file.token, `/userprofile-service/userprofile/personal-information/${DISPLAY_NAME}`);
    expect(personal.body.userInfo.timeZone).toBe('Europe/Berlin');
    // Only under userInfo, as Garmin sends it.
    expect(personal.body).not.toHaveProperty('timeZone');
    expect((await sim.api(file.token, '/userprofile-service/userprofile/personal-information/mfa-runner-7')).status).toBe(403);
    expect((await sim.api(file.token, '/no-such-service/thing')).status).toBe(404);
  });
});
