import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/dynamo/client';
import { scanUserItems } from '../../support/scan';
import { ATHLETE, harnessForFile, MFA_USER, PASSWORD } from './harness';

const h = harnessForFile();
beforeEach(async () => h.sim.reset());

describe('connecting a Garmin account and reading what was synced', () => {
  it('connects the athlete, backfills, and serves activities and daily summaries as Garmin gave them', async () => {
    const user = h.newUser();
    const connected = await h.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: PASSWORD } });
    expect(connected.status).toBe(201);
    expect(connected.body).toMatchObject({ status: 'connected', connection: { status: 'active', isActive: true, username: ATHLETE } });
    expect(JSON.stringify(connected.body)).not.toContain(PASSWORD);

    expect(await h.runtime.drainQueue()).toBeGreaterThanOrEqual(1);

    const status = await h.api('GET /garmin/connection', { userId: user });
    expect(status.body).toMatchObject({ connection: { status: 'active', backfill: { done: true } } });
    expect(status.body.connection).toHaveProperty('lastSyncTime');

    const page = await h.api('GET /garmin/activities', { userId: user, query: { limit: '100' } });
    expect(page.status).toBe(200);
    const items = page.body.items as Array<{ activityId: string; startTimeUtc: string; startTimeLocal: string; garmin: Record<string, unknown> }>;
    expect(items.length).toBeGreaterThan(20);
    const [first] = items;
    expect(first?.garmin).toMatchObject({ activityId: expect.any(Number), activityType: { typeKey: expect.any(String) } });
    expect(String(first?.garmin.activityId)).toBe(first?.activityId);
    expect(first?.startTimeLocal).toBe(first?.garmin.startTimeLocal);
    expect(first?.startTimeUtc).toBe(`${String(first?.garmin.startTimeGMT).replace(' ', 'T')}.000Z`);
    const starts = items.map((i) => i.startTimeLocal);
    expect(starts).toEqual([...starts].sort().reverse());

    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    const days = await h.api('GET /garmin/daily-summaries', { userId: user, query: { from, to: today } });
    const summaries = days.body.items as Array<{ date: string; final: boolean; garmin: Record<string, unknown> }>;
    expect(summaries.length).toBeGreaterThanOrEqual(10);
    for (const s of summaries) expect(s.garmin.calendarDate).toBe(s.date);
    expect(summaries.filter((s) => !s.final).length).toBeGreaterThanOrEqual(1);

    const profile = await h.api('GET /garmin/profile', { userId: user });
    expect(profile.body).toMatchObject({ profile: { timeZone: 'Europe/Berlin', unitSystem: 'metric' } });
  });

  it('connects the MFA account through the HTTP API: mfa_required, a wrong code (422), the right code', async () => {
    const user = h.newUser();
    const started = await h.api('POST /garmin/connection', { userId: user, body: { username: MFA_USER, password: PASSWORD } });
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('mfa_required');
    const attemptId = String(started.body.attemptId);
    const path = { attemptId };

    const polled = await h.api('GET /garmin/connection/attempts/{attemptId}', { userId: user, path });
    expect(polled.body).toEqual({ attemptId, status: 'mfa_required' });

    const wrong = await h.api('POST /garmin/connection/attempts/{attemptId}/mfa', { userId: user, path, body: { code: '000000' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error?.code).toBe('GARMIN_MFA_INVALID');

    const right = await h.api('POST /garmin/connection/attempts/{attemptId}/mfa', { userId: user, path, body: { code: '123456' } });
    expect(right.status).toBe(201);
    expect(right.body).toMatchObject({ status: 'connected', connection: { username: MFA_USER, status: 'active' } });
    const after = await h.api('GET /garmin/connection/attempts/{attemptId}', { userId: user, path });
    expect(after.body.status).toBe('connected');
  });

  it('answers 422 to a wrong password and stores no connection or credential', async () => {
    const user = h.newUser();
    const wrongPassword = 'not-the-password';
    const answer = await h.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: wrongPassword } });
    expect(answer.status).toBe(422);
    expect(answer.body.error?.code).toBe('GARMIN_INVALID_CREDENTIALS');
    expect(JSON.stringify(answer.body)).not.toContain(wrongPassword);

    expect((await h.api('GET /garmin/connection', { userId: user })).status).toBe(404);
    const items = await scanUserItems(createDocumentClient(), h.runtime.tables, user);
    // What remains: the auth-limit log, and the failed attempt as a bare status record (TTL 15 min),
    // besides the per-user API throttle's counters.
    const kept = items.filter((i) => !String(i.item.sk).startsWith('REQ#'));
    expect(kept.map((i) => i.item.sk ?? i.item.status).sort()).toEqual(['RATE#auth', 'failed']);
    for (const { item } of items) {
      expect(item).not.toHaveProperty('credentials');
      expect(item).not.toHaveProperty('password');
    }
  });

  it('imports a token blob made elsewhere, without any password', async () => {
    const donor = h.newUser();
    await h.api('POST /garmin/connection', { userId: donor, body: { username: ATHLETE, password: PASSWORD } });
    const record = await h.runtime.services.deps.connections.get(donor);
    const blob = await h.runtime.services.deps.vault.decrypt(donor, 'tokens', record?.tokens ?? '');
    await h.sim.resetCounters();

    const user = h.newUser();
    const imported = await h.api('POST /garmin/connection', { userId: user, body: { tokens: blob, username: ATHLETE } });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ status: 'connected', connection: { passwordStored: false } });
    expect(await h.sim.count('sso-login')).toBe(0);
  });
});
