/**
 * Garmin's sign-in page as a browser drives it (form, MFA step, 302 to the service URL with
 * the ticket), the ticket rules of the DI exchange (once, within its lifetime, for its own
 * service) and the two networks (a block of the cloud leaves the user's network signing in).
 */
import { describe, expect, it } from 'vitest';
import { IOS_SERVICE_URL, PORTAL_SERVICE_URL } from '../../../packages/garmin-device-signin/src/garmin';
import { SERVICE_TICKET_TTL_SECONDS } from '../../simulator/tokens';
import { ATHLETE, MFA_USER, PASSWORD, simulatorForFile } from './helpers';

const PORTAL_PAGE = `/sso/portal/sso/en-US/sign-in?clientId=GarminConnect&service=${encodeURIComponent(PORTAL_SERVICE_URL)}`;

const { sim } = simulatorForFile();

interface PageAnswer {
  status: number;
  html: string;
  location: string | null;
}

/** A browser on `base`: keeps the SESSION cookie, posts forms, does not follow redirects. */
const browser = (base: string) => {
  let cookie = '';
  const send = async (path: string, form?: Record<string, string>): Promise<PageAnswer> => {
    const response = await fetch(`${base}${path}`, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    const set = response.headers.getSetCookie()[0];
    if (set) cookie = set.split(';')[0] ?? '';
    return { status: response.status, html: await response.text(), location: response.headers.get('location') };
  };
  return {
    open: (path: string) => send(path),
    submit: (path: string, form: Record<string, string>) => send(path, form),
  };
};

const ticketOf = (location: string | null): string => {
  const url = new URL(location ?? '');
  return url.searchParams.get('ticket') ?? '';
};

describe('the sign-in page', () => {
  it('serves a form that redirects (302) to the service URL with a ticket for that service', async () => {
    const tab = browser(sim.userUrl);
    const page = await tab.open(PORTAL_PAGE);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<form id="login-form" method="post"');

    const wrong = await tab.submit(PORTAL_PAGE, { username: ATHLETE, password: 'wrong-horse' });
    expect(wrong.status).toBe(200);
    expect(wrong.html).toContain('Invalid sign in');

    const done = await tab.submit(PORTAL_PAGE, { username: ATHLETE, password: PASSWORD });
    expect(done.status).toBe(302);
    expect(done.location).toMatch(/^https:\/\/connect\.garmin\.com\/app\?ticket=ST-\d{7}-[\w-]+-cas$/);
    expect((await sim.exchange(ticketOf(done.location), PORTAL_SERVICE_URL)).status).toBe(200);
  });

  it('asks an MFA account for its code on a second form; a wrong code shows the form again', async () => {
    const tab = browser(sim.userUrl);
    await tab.open(PORTAL_PAGE);
    const mfa = await tab.submit(PORTAL_PAGE, { username: MFA_USER, password: PASSWORD });
    expect(mfa.html).toContain('id="mfa-code"');
    const wrong = await tab.submit(PORTAL_PAGE, { 'mfa-code': '000000' });
    expect(wrong.html).toContain('Invalid code');
    const done = await tab.submit(PORTAL_PAGE, { 'mfa-code': '123456' });
    expect(done.status).toBe(302);
    expect((await sim.exchange(ticketOf(done.location), PORTAL_SERVICE_URL)).status).toBe(200);
  });

  it('refuses a service Garmin does not know, and a form post without the page\'s session', async () => {
    const tab = browser(sim.userUrl);
    const page = `/sso/portal/sso/en-US/sign-in?clientId=GarminConnect&service=${encodeURIComponent('https://evil.example/app')}`;
    await tab.open(page);
    expect((await tab.submit(page, { username: ATHLETE, password: PASSWORD })).status).toBe(400);
    const stranger = await browser(sim.userUrl).submit(PORTAL_PAGE, { username: ATHLETE, password: PASSWORD });
    expect(stranger.status).toBe(200);
    expect(stranger.location).toBeNull();
  });

  it('hands the redirect to a stand-in for an app\'s webview when told to', async () => {
    await sim.control('POST', '/ticket-redirect', { to: 'http://127.0.0.1:9/return' });
    expect((await sim.control('POST', '/ticket-redirect', { to: 'https://evil.example/return' })).status).toBe(400);
    const tab = browser(sim.userUrl);
    await tab.open(PORTAL_PAGE);
    const done = await tab.submit(PORTAL_PAGE, { username: ATHLETE, password: PASSWORD });
    const location = new URL(done.location ?? '');
    expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:9/return');
    expect(ticketOf(location.searchParams.get('url'))).toMatch(/^ST-/);
  });
});

describe('service tickets at the DI exchange', () => {
  const ticketFor = async (serviceUrl: string): Promise<string> => {
    const page = `/sso/mobile/sso/en_US/sign-in?clientId=GCM_IOS_DARK&service=${encodeURIComponent(serviceUrl)}`;
    const tab = browser(sim.userUrl);
    await tab.open(page);
    return ticketOf((await tab.submit(page, { username: ATHLETE, password: PASSWORD })).location);
  };

  it('refuses a reused ticket', async () => {
    const ticket = await ticketFor(IOS_SERVICE_URL);
    expect((await sim.exchange(ticket, IOS_SERVICE_URL)).status).toBe(200);
    const again = await sim.exchange(ticket, IOS_SERVICE_URL);
    expect(again).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Unknown or already used service ticket' } });
  });

  it(`refuses a ticket older than ${SERVICE_TICKET_TTL_SECONDS} s on the simulated clock, and spends it`, async () => {
    const fresh = await ticketFor(IOS_SERVICE_URL);
    const stale = await ticketFor(IOS_SERVICE_URL);
    await sim.control('POST', '/clock', { advanceSeconds: SERVICE_TICKET_TTL_SECONDS - 5 });
    expect((await sim.exchange(fresh, IOS_SERVICE_URL)).status).toBe(200);
    await sim.control('POST', '/clock', { advanceSeconds: 5 });
    expect((await sim.exchange(stale, IOS_SERVICE_URL)).body).toMatchObject({ error_description: 'Service ticket expired' });
  });

  it('refuses a ticket presented for another service than it was issued for, and spends it', async () => {
    const ticket = await ticketFor(PORTAL_SERVICE_URL);
    expect((await sim.exchange(ticket, IOS_SERVICE_URL)).body).toMatchObject({ error_description: 'Service ticket was not issued for this service' });
    expect((await sim.exchange(ticket, PORTAL_SERVICE_URL)).status).toBe(400);
  });
});

describe('networks', () => {
  it('a block of the cloud refuses its logins while the user\'s network signs in', async () => {
    await sim.control('POST', '/sso-block', { status: 429, network: 'cloud' });
    expect((await sim.control('GET', '/sso-block')).body).toMatchObject({ active: true, network: 'cloud' });
    expect((await sim.ssoLogin(ATHLETE, PASSWORD)).status).toBe(429);
    expect((await browser(sim.url).open(PORTAL_PAGE)).status).toBe(429);

    const tab = browser(sim.userUrl);
    expect((await tab.open(PORTAL_PAGE)).status).toBe(200);
    expect((await tab.submit(PORTAL_PAGE, { username: ATHLETE, password: PASSWORD })).status).toBe(302);
  });

  it('a 403 fault on the ticket exchange stands for the exchange refused from the cloud', async () => {
    const ticket = (await sim.ssoLogin(ATHLETE, PASSWORD)).body.serviceTicketId as string;
    await sim.control('POST', '/faults', { endpoint: 'token-exchange', status: 403, count: 1 });
    expect((await sim.exchange(ticket)).status).toBe(403);
    expect((await sim.exchange(ticket)).status).toBe(200);
  });
});
