/**
 * Connecting with a service ticket from a sign-in on the user's own device (the simulator's
 * user's-network address, through packages/garmin-device-signin): exchanged once, refused
 * when reused, expired or foreign, working while Garmin blocks password logins from the
 * cloud, and followed by syncs from the backend with the exchanged tokens.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { PORTAL_SERVICE_URL, signIn } from '../../../packages/garmin-device-signin/src';
import { LIMITS } from '../../../functions/core/shared/limits';
import { SERVICE_TICKET_TTL_SECONDS } from '../../simulator/tokens';
import { ATHLETE, harnessForFile, PASSWORD } from './harness';

const h = harnessForFile();
beforeEach(async () => {
  await h.sim.reset();
});

const deviceSignIn = (username = ATHLETE) =>
  signIn({ username, password: PASSWORD, promptMfa: () => '123456', ssoBaseUrl: `${h.sim.userUrl}/sso` });

const connectWith = (userId: string, body: Record<string, unknown>) => h.api('POST /garmin/connection', { userId, body });

const ssoRequests = () => h.sim.ssoRequests();

const expectTicketRejected = (answer: Awaited<ReturnType<typeof connectWith>>) => {
  expect(answer.status).toBe(422);
  expect(answer.body.error?.code).toBe('GARMIN_TICKET_REJECTED');
};

describe('POST /garmin/connection {ticket, serviceUrl}', () => {
  it('connects with a ticket from the device, then syncs from the backend with the exchanged tokens', async () => {
    const user = h.newUser();
    const signedIn = await deviceSignIn();
    const ssoBySignIn = await ssoRequests();

    const answer = await connectWith(user, { ...signedIn, username: ATHLETE });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ status: 'connected', connection: { username: ATHLETE, status: 'active' } });

    await h.runtime.drainQueue();
    const activities = await h.api('GET /garmin/activities', { userId: user });
    expect((activities.body.items as unknown[]).length).toBeGreaterThan(0);
    const sync = await h.api('POST /garmin/sync', { userId: user, body: { force: true } });
    expect(sync.status).toBe(200);
    expect(sync.body.status).toBe('synced');
    // The backend never signed in: the exchange and the syncs used the ticket's tokens.
    expect(await ssoRequests()).toBe(ssoBySignIn);
  });

  it('refuses a ticket used already (by anyone), and leaves the first connection alone', async () => {
    const first = h.newUser();
    const signedIn = await deviceSignIn();
    expect((await connectWith(first, { ...signedIn })).status).toBe(201);

    expectTicketRejected(await connectWith(first, { ...signedIn }));
    expectTicketRejected(await connectWith(h.newUser(), { ...signedIn }));
    expect((await h.api('GET /garmin/connection', { userId: first })).body).toMatchObject({ connection: { status: 'active' } });
  });

  it(`refuses a ticket older than its lifetime (${SERVICE_TICKET_TTL_SECONDS} s at the simulated Garmin)`, async () => {
    const signedIn = await deviceSignIn();
    await h.sim.advanceClock(SERVICE_TICKET_TTL_SECONDS + 1);
    const user = h.newUser();
    expectTicketRejected(await connectWith(user, { ...signedIn }));
    expect((await h.api('GET /garmin/connection', { userId: user })).status).toBe(404);
  });

  it('refuses a ticket presented for another service than it was issued for', async () => {
    const signedIn = await deviceSignIn();
    expect(signedIn.serviceUrl).not.toBe(PORTAL_SERVICE_URL);
    expectTicketRejected(await connectWith(h.newUser(), { ticket: signedIn.ticket, serviceUrl: PORTAL_SERVICE_URL }));
  });

  it('answers 400, without calling Garmin, for a service URL Garmin issues no tickets for or a malformed ticket', async () => {
    const signedIn = await deviceSignIn();
    await h.sim.resetCounters();
    for (const body of [
      { ticket: signedIn.ticket, serviceUrl: 'https://connect.garmin.com.evil.example/app' },
      { ticket: signedIn.ticket, serviceUrl: 'https://connect.garmin.com/modern' },
      { ticket: 'TGT-123-abc', serviceUrl: PORTAL_SERVICE_URL },
      { ticket: signedIn.ticket },
    ]) {
      const answer = await connectWith(h.newUser(), body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error?.code).toBe('VALIDATION_ERROR');
    }
    expect((await h.sim.counters()).total).toBe(0);
  });

  it('counts against the user\'s authentication calls', async () => {
    const user = h.newUser();
    const unknown = { ticket: 'ST-0000000-unknown-cas', serviceUrl: PORTAL_SERVICE_URL };
    for (let i = 0; i < LIMITS.authCallsPerHour; i += 1) expectTicketRejected(await connectWith(user, unknown));
    const over = await connectWith(user, unknown);
    expect(over.status).toBe(429);
    expect(over.body.error?.code).toBe('RATE_LIMITED');
  });
});

describe('when Garmin blocks password logins from the cloud', () => {
  it('the password connect gets the block code pointing to the device path, and the device path connects', async () => {
    await h.sim.blockSso({ status: 429, network: 'cloud' });

    const password = await connectWith(h.newUser(), { username: ATHLETE, password: PASSWORD });
    expect(password.status).toBe(503);
    expect(password.body.error?.code).toBe('GARMIN_LOGIN_BLOCKED');
    expect(password.body.error?.message).toContain('{"ticket": "ST-...", "serviceUrl": "..."}');

    const user = h.newUser();
    const answer = await connectWith(user, { ...(await deviceSignIn()) });
    expect(answer.status).toBe(201);
    await h.runtime.drainQueue();
    const connection = await h.api('GET /garmin/connection', { userId: user });
    expect(connection.body).toMatchObject({ connection: { status: 'active', lastSyncTime: expect.any(String) } });
  });

  it('an exchange refused from the cloud answers 503 GARMIN_LOGIN_BLOCKED with Retry-After', async () => {
    const signedIn = await deviceSignIn();
    await h.sim.fault({ endpoint: 'token-exchange', status: 403 });
    const answer = await connectWith(h.newUser(), { ...signedIn });
    expect(answer.status).toBe(503);
    expect(answer.body.error?.code).toBe('GARMIN_LOGIN_BLOCKED');
    expect(Number(answer.headers['Retry-After'] ?? answer.headers['retry-after'])).toBeGreaterThan(0);
  });
});
