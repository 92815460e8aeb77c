/**
 * The demo server end to end over HTTP: /health, the printed curl walk-through as fetch
 * calls, the MFA flow, and the rest of the API; every API answer is checked against the
 * OpenAPI document the server serves.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, MFA_ACCOUNT, walkthroughSteps } from '../../../scripts/demo/walkthrough';
import { LIMITS } from '../../../functions/core/shared/limits';
import { freePort } from '../../../scripts/local/emulators';
import { OPENAPI_FILE } from '../../../scripts/local/openapi';
import { startLocalServer } from '../../../scripts/local/server';
import { SimulatorClient } from '../../support/simulator-client';
import { type DemoHarness, startDemoHarness } from './harness';
import { scheduleAt } from '../../support/claim';

let h: DemoHarness;
beforeAll(async () => {
  h = await startDemoHarness();
});
afterAll(async () => h?.stop());

type Obj = Record<string, unknown>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the demo server', () => {
  it('reports health: DynamoDB Local, moto, the simulator and the bridge (a ping through it)', async () => {
    const health = await h.fetchRaw('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      components: {
        dynamodb: { status: 'ok', tableStatus: 'ACTIVE' },
        moto: { status: 'ok', syncQueue: { visible: expect.any(Number) } },
        simulator: { status: 'ok' },
        bridge: { status: 'ok', garminconnect: expect.stringMatching(/^0\.3\./) },
      },
    });
  });

  it('reports 503 "degraded" when a component does not answer', async () => {
    const unreachable = `http://127.0.0.1:${await freePort()}`;
    const server = await startLocalServer({ runtime: h.runtime, auth: h.auth, simulatorUrl: unreachable });
    try {
      const answer = await fetch(`${server.url}/health`);
      expect(answer.status).toBe(503);
      expect(await answer.json()).toMatchObject({
        status: 'degraded',
        components: { simulator: { status: 'down', error: expect.any(String) }, dynamodb: { status: 'ok' }, bridge: { status: 'ok' } },
      });
      expect((await fetch(`${server.url}/demo/token`)).status).toBe(404); // only where demo tokens are on
    } finally {
      await server.close();
    }
  });

  it('serves the committed OpenAPI document, the page and its assets', async () => {
    const doc = await h.fetchRaw('/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.text).toBe(readFileSync(OPENAPI_FILE, 'utf8'));
    const page = await h.fetchRaw('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('<script type="module" src="/app.js">');
    for (const asset of ['/app.js', '/style.css']) expect((await h.fetchRaw(asset)).status).toBe(200);
    expect((await h.fetchRaw('/../package.json')).status).toBe(404);
    expect((await h.fetchRaw('/%2e%2e/package.json')).status).toBe(404);
  });

  it('hands the page a token for its user (GET /demo/token)', async () => {
    const answer = await h.fetchRaw('/demo/token?user=page-user');
    expect(answer.status).toBe(200);
    const { token, userId } = answer.body as { token: string; userId: string };
    expect(userId).toBe('page-user');
    expect((await h.call('GET', '/garmin/connection', { token })).status).toBe(404);
    expect((await h.fetchRaw('/demo/token?user=bad%20user')).status).toBe(400);
  });

  it('runs the printed walk-through: connect athlete → 201, the backfill completes, activities and daily summaries', async () => {
    const token = await h.tokenFor(h.newUser());
    const steps = walkthroughSteps();
    const answers: Obj[] = [];
    for (const step of steps) {
      let answer = await h.call(step.method, step.path, { token, ...(step.query ? { query: step.query } : {}), ...(step.body ? { body: step.body } : {}) });
      for (let i = 0; step.repeatUntil && !answer.text.includes(step.repeatUntil.text) && i < step.repeatUntil.times; i++) {
        await sleep(1_000);
        answer = await h.call(step.method, step.path, { token });
      }
      expect(answer.status, step.title).toBe(step.expectStatus);
      if (step.repeatUntil) expect(answer.text).toContain(step.repeatUntil.text);
      answers.push(answer.body as Obj);
    }
    const [connected, connection, activities, summaries] = answers as [Obj, Obj, Obj, Obj];
    expect(connected).toMatchObject({ status: 'connected', connection: { username: DEMO_ACCOUNT.username, status: 'active' } });
    expect(connection).toMatchObject({ connection: { backfill: { done: true }, lastSyncTime: expect.any(String) } });
    expect((activities.items as unknown[]).length).toBeGreaterThan(0);
    const days = summaries.items as Array<{ garmin: { totalSteps?: unknown; totalKilocalories?: unknown } }>;
    expect(days.length).toBeGreaterThanOrEqual(13);
    for (const day of days) {
      expect(day.garmin.totalSteps).toEqual(expect.any(Number));
      expect(day.garmin.totalKilocalories).toEqual(expect.any(Number));
    }
  });

  it('connects the MFA account: 202 mfa_required, the attempt, a wrong code (422), the right code (201)', async () => {
    const token = await h.tokenFor(h.newUser());
    const started = await h.call('POST', '/garmin/connection', { token, body: { username: MFA_ACCOUNT.username, password: MFA_ACCOUNT.password } });
    expect(started.status).toBe(202);
    const { attemptId, status } = started.body as { attemptId: string; status: string };
    expect(status).toBe('mfa_required');
    const polled = await h.call('GET', '/garmin/connection/attempts/{attemptId}', { token, path: { attemptId } });
    expect(polled.body).toEqual({ attemptId, status: 'mfa_required' });
    const wrong = await h.call('POST', '/garmin/connection/attempts/{attemptId}/mfa', { token, path: { attemptId }, body: { code: '000000' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ error: { code: 'GARMIN_MFA_INVALID' } });
    const right = await h.call('POST', '/garmin/connection/attempts/{attemptId}/mfa', { token, path: { attemptId }, body: { code: MFA_ACCOUNT.code } });
    expect(right.status).toBe(201);
    expect(right.body).toMatchObject({ status: 'connected', connection: { username: MFA_ACCOUNT.username } });
    const again = await h.call('POST', '/garmin/connection/attempts/{attemptId}/mfa', { token, path: { attemptId }, body: { code: MFA_ACCOUNT.code } });
    expect(again.status).toBe(409);
    const otherUser = await h.tokenFor(h.newUser());
    expect((await h.call('GET', '/garmin/connection/attempts/{attemptId}', { token: otherUser, path: { attemptId } })).status).toBe(404);
  });

  it('answers errors as documented: 400, 422, 404, and 429 with Retry-After', async () => {
    const user = h.newUser();
    const token = await h.tokenFor(user);
    expect((await h.call('POST', '/garmin/connection', { token, rawBody: '{nope' })).status).toBe(400);
    expect((await h.call('POST', '/garmin/connection', { token, body: { username: 'x' } })).status).toBe(400);
    expect((await h.call('GET', '/garmin/activities', { token, query: { limit: '1000' } })).status).toBe(400);
    expect((await h.call('GET', '/garmin/daily-summaries', { token, query: { from: '2026-02-30', to: '2026-03-01' } })).status).toBe(400);
    expect((await h.call('GET', '/garmin/daily-summaries', { token })).status).toBe(400);
    expect((await h.call('GET', '/garmin/profile', { token })).status).toBe(404);
    expect((await h.call('POST', '/garmin/sync', { token })).status).toBe(404);
    expect((await h.call('DELETE', '/garmin/connection', { token })).status).toBe(404);
    const empty = await h.call('GET', '/garmin/activities', { token });
    expect(empty.body).toEqual({ items: [], nextCursor: null });

    // The auth limit (5 logins per user and hour), then 429 with Retry-After. An account of its
    // own: Garmin accounts have a login limit too, and the other tests log in to the demo's.
    const guessed = `guessed-${randomUUID().slice(0, 8)}@example.com`;
    await new SimulatorClient(h.simulatorUrl).createAccount({ email: guessed, password: DEMO_ACCOUNT.password });
    const codes: number[] = [];
    for (let i = 0; i <= LIMITS.authCallsPerHour; i++) {
      const answer = await h.call('POST', '/garmin/connection', { token, body: { username: guessed, password: 'wrong-password' } });
      codes.push(answer.status);
      if (answer.status === 429) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(codes).toEqual([...Array<number>(LIMITS.authCallsPerHour).fill(422), 429]);
  });

  it('serves the rest of the API to a connected user: profile, pages of activities, manual sync, disconnect', async () => {
    const token = await h.tokenFor(h.newUser());
    expect((await h.call('POST', '/garmin/connection', { token, body: { username: DEMO_ACCOUNT.username, password: DEMO_ACCOUNT.password, rememberPassword: false } })).status).toBe(201);
    for (let i = 0; i < 60; i++) {
      const c = await h.call('GET', '/garmin/connection', { token });
      if ((c.body as { connection: { backfill: { done: boolean } } }).connection.backfill.done) break;
      await sleep(500);
    }
    const profile = await h.call('GET', '/garmin/profile', { token });
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ profile: { displayName: 'athlete-42', timeZone: 'Europe/Berlin' } });

    const first = await h.call('GET', '/garmin/activities', { token, query: { limit: '2' } });
    const { items, nextCursor } = first.body as { items: Array<{ activityId: string }>; nextCursor: string };
    expect(items).toHaveLength(2);
    const second = await h.call('GET', '/garmin/activities', { token, query: { limit: '2', cursor: nextCursor } });
    expect((second.body as { items: Array<{ activityId: string }> }).items[0]?.activityId).not.toBe(items[0]?.activityId);
    expect((await h.call('GET', '/garmin/activities', { token, query: { cursor: 'garbage' } })).status).toBe(400);

    const sync = await h.call('POST', '/garmin/sync', { token });
    expect([200, 202]).toContain(sync.status);
    expect(sync.body).toMatchObject({ status: expect.stringMatching(/^(synced|fresh|in_progress)$/) });

    const gone = await h.call('DELETE', '/garmin/connection', { token });
    expect(gone.status).toBe(204);
    expect(gone.text).toBe('');
    expect((await h.call('GET', '/garmin/connection', { token })).status).toBe(404);
  });

  it('runs the AWS around the functions: the queue poller runs the backfill, the schedule dispatches due connections', async () => {
    const user = h.newUser();
    const token = await h.tokenFor(user);
    expect((await h.call('POST', '/garmin/connection', { token, body: { username: DEMO_ACCOUNT.username, password: DEMO_ACCOUNT.password } })).status).toBe(201);
    // The backfill job runs without any drainQueue() from the test: the poller feeds the sync worker.
    let connection: { lastSyncTime: string | null; nextSyncTime: string | null; backfill: { done: boolean } } | undefined;
    for (let i = 0; i < 60 && !connection?.backfill.done; i++) {
      connection = ((await h.call('GET', '/garmin/connection', { token })).body as { connection: typeof connection }).connection;
      if (!connection?.backfill.done) await sleep(500);
    }
    expect(connection?.backfill.done).toBe(true);

    // Make the connection due: the next dispatch run (every 2 s here) claims it and queues a sync.
    const { schedules } = h.runtime.services.deps;
    const due = new Date(Date.now() - 60_000).toISOString();
    await scheduleAt(schedules, user, due, new Date());
    const claimedBefore = h.sources?.stats.claimed ?? 0;
    // The claim leases the schedule (its job then waits out dispatch's jitter; the sync's end moves the due time).
    for (let i = 0; i < 40 && !(await schedules.get(user))?.lease; i++) await sleep(250);
    expect((await schedules.get(user))?.lease).toBeDefined();
    expect(h.sources?.stats.claimed ?? 0).toBeGreaterThan(claimedBefore);
  });
});
