/** The simulator's shapes against Garmin's recorded ones (test/simulator/recorded.ts). */
import { describe, expect, it } from 'vitest';
import { RECORDED_ACTIVITY, RECORDED_ACTIVITY_COMMON_KEYS, RECORDED_DAILY_SUMMARY } from '../../simulator/recorded';
import { activitiesPath, ATHLETE, type Json, simulatorForFile, summaryPath } from './helpers';

const NOW = '2026-06-15T10:00:00Z';
const DISPLAY_NAME = 'athlete-42';

const file = simulatorForFile({ now: NOW, login: true });
const { sim } = file;

const year = async () => (await sim.api<Json[]>(file.token, activitiesPath, { startDate: '2025-06-16', endDate: '2026-06-15', limit: 1000 })).body;
const typeKey = (a: Json) => (a.activityType as { typeKey: string }).typeKey;

describe('generated activities', () => {
  it('are 3.5-5.5 KB of JSON each, like the recorded search items', async () => {
    const items = await year();
    const sizes = items.map((a) => JSON.stringify(a).length);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(3500);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5500);
    expect(JSON.stringify(RECORDED_ACTIVITY).length).toBeGreaterThan(3500);
  });

  it('carry every key the recorded items share (indoor ones bar the GPS keys), and a run every key of the recorded run', async () => {
    const items = await year();
    const gpsKeys = ['startLatitude', 'startLongitude', 'endLatitude', 'endLongitude', 'locationName', 'maxSpeed'];
    for (const a of items) {
      const wanted = a.hasPolyline ? RECORDED_ACTIVITY_COMMON_KEYS : RECORDED_ACTIVITY_COMMON_KEYS.filter((k) => !gpsKeys.includes(k));
      expect(Object.keys(a)).toEqual(expect.arrayContaining([...wanted]));
    }
    const run = items.find((a) => typeKey(a) === 'running');
    expect(Object.keys(run ?? {})).toEqual(expect.arrayContaining(Object.keys(RECORDED_ACTIVITY).filter((k) => k !== 'workoutId')));
  });

  it('leave optional keys out rather than null, and hold float32 figures', async () => {
    const items = await year();
    for (const a of items) expect(Object.entries(a).filter(([, v]) => v === null)).toEqual([]);
    const strength = items.find((a) => typeKey(a) === 'strength_training') ?? {};
    expect(strength).not.toHaveProperty('startLatitude');
    expect(strength.summarizedExerciseSets).toEqual(expect.arrayContaining([expect.objectContaining({ category: expect.any(String), reps: expect.any(Number) })]));
    const run = items.find((a) => typeKey(a) === 'running') ?? {};
    expect(Number.isInteger(run.distance)).toBe(false);
    expect(Math.fround(run.distance as number)).toBe(run.distance);
    expect(run).toMatchObject({ hrTimeInZone_1: expect.any(Number), hrTimeInZone_5: expect.any(Number), ownerProfileImageUrlLarge: expect.stringMatching(/^https:/) });
    expect((run.userRoles as string[]).length).toBeGreaterThan(20);
  });
});

describe('raw Garmin objects through the control API', () => {
  it('serve a recorded activity back unchanged from the search', async () => {
    const added = await sim.control('POST', `/accounts/${ATHLETE}/activities`, { activity: RECORDED_ACTIVITY });
    expect(added.status).toBe(201);
    expect(added.body).toEqual(RECORDED_ACTIVITY);
    const day = String(RECORDED_ACTIVITY.startTimeLocal).slice(0, 10);
    const found = (await sim.api<Json[]>(file.token, activitiesPath, { startDate: day, endDate: day, limit: 100 })).body;
    expect(found.find((a) => a.activityId === RECORDED_ACTIVITY.activityId)).toEqual(RECORDED_ACTIVITY);
  });

  it('serve a recorded daily summary verbatim', async () => {
    const date = String(RECORDED_DAILY_SUMMARY.calendarDate);
    expect((await sim.control('PUT', `/accounts/${ATHLETE}/days/${date}`, { summary: RECORDED_DAILY_SUMMARY })).status).toBe(200);
    const served = await sim.api<Json>(file.token, summaryPath(DISPLAY_NAME), { calendarDate: date });
    expect(served.body).toEqual(RECORDED_DAILY_SUMMARY);
  });
});

describe('daily summaries', () => {
  it('have the recorded key set, in the recorded order', async () => {
    const summary = (await sim.api<Json>(file.token, summaryPath(DISPLAY_NAME), { calendarDate: '2026-06-10' })).body;
    expect(Object.keys(summary)).toEqual(Object.keys(RECORDED_DAILY_SUMMARY));
    expect(summary).toMatchObject({ includesWellnessData: true, privacyProtected: false, rule: { typeId: 2, typeKey: 'private' } });
  });

  it('answer a day without wellness data as Garmin does: 200, flags false, null totals, goals kept', async () => {
    const summary = (await sim.api<Json>(file.token, summaryPath(DISPLAY_NAME), { calendarDate: '2020-01-01' })).body;
    expect(Object.keys(summary)).toEqual(Object.keys(RECORDED_DAILY_SUMMARY));
    expect(summary).toMatchObject({
      calendarDate: '2020-01-01',
      includesWellnessData: false,
      includesActivityData: false,
      totalKilocalories: null,
      totalSteps: null,
      dailyStepGoal: 9000,
      netRemainingKilocalories: 0,
      privacyProtected: false,
    });
  });
});
