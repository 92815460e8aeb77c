import { describe, expect, it } from 'vitest';
import { ATHLETE, CLIENT_ID, type Json, MFA_USER, PASSWORD, simulatorForFile, TOKEN_PATH } from './helpers';

const PROFILE = '/userprofile-service/socialProfile';

const { sim } = simulatorForFile();

const decode = (part: string | undefined): Json => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Json;

describe('SSO sign-in', () => {
  it('refuses a wrong password or an unknown user with 401 INVALID_USERNAME_PASSWORD', async () => {
    for (const [user, password] of [[ATHLETE, 'wrong-horse'], ['nobody@example.com', PASSWORD]] as const) {
      const answer = await sim.ssoLogin(user, password);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ responseStatus: { type: 'INVALID_USERNAME_PASSWORD' } });
    }
  });

  it('answers a credential POST without the sign-in page\'s SESSION cookie with 429, as Garmin does', async () => {
    const response = await fetch(`${sim.url}/sso/mobile/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ATHLETE, password: PASSWORD }),
    });
    expect(response.status).toBe(429);
  });

  it('serves the portal flow like the mobile one and 404s the widget', async () => {
    const answer = await sim.ssoLogin(ATHLETE, PASSWORD, 'portal');
    expect(answer.body).toMatchObject({ responseStatus: { type: 'SUCCESSFUL' }, serviceTicketId: expect.stringMatching(/^ST-/) });
    expect((await fetch(`${sim.url}/sso/sso/embed`)).status).toBe(404);
  });
});

describe('DI tokens', () => {
  it('exchanges a service ticket once for a signed JWT and a refresh token', async () => {
    const ticket = (await sim.ssoLogin(ATHLETE, PASSWORD)).body.serviceTicketId as string;
    const first = await sim.exchange(ticket);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 4 * 3600, refresh_token_expires_in: 2_591_999, refresh_token: expect.any(String) });

    const [header, payload, signature] = (first.body.access_token as string).split('.');
    expect(decode(header)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decode(payload);
    expect(claims).toMatchObject({ client_id: CLIENT_ID, jti: expect.any(String), garmin_guid: expect.any(String) });
    expect((claims.exp as number) - (claims.iat as number)).toBe(4 * 3600);
    expect(signature).toMatch(/^[\w-]{43}$/);

    const again = await sim.exchange(ticket);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('rotates refresh tokens and refuses one that was already used', async () => {
    const first = await sim.login();
    const second = await sim.refresh(first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.access_token).not.toBe(first.access_token);

    const reused = await sim.refresh(first.refresh_token);
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ error: 'invalid_grant' });
    expect((await sim.refresh(second.body.refresh_token as string)).status).toBe(200);
    expect((await sim.api(second.body.access_token as string, PROFILE)).status).toBe(200);
  });

  it('refuses a client id in the form that differs from the Basic one', async () => {
    const { refresh_token } = await sim.login();
    const answer = await sim.tokenRequest({ grant_type: 'refresh_token', client_id: 'OTHER', refresh_token });
    expect(answer.status).toBe(401);
    expect((await sim.tokenRequest({ grant_type: 'password' })).status).toBe(400);
  });

  it('issues tokens with the account\'s configured lifetime, expiring on the simulated clock', async () => {
    expect((await sim.control('POST', `/accounts/${ATHLETE}/tokens`, { accessTtlSeconds: 60 })).status).toBe(200);
    const tokens = await sim.login();
    expect(tokens.expires_in).toBe(60);
    const claims = decode(tokens.access_token.split('.')[1]);
    expect((claims.exp as number) - (claims.iat as number)).toBe(60);
    expect((await sim.api(tokens.access_token, PROFILE)).status).toBe(200);

    await sim.control('POST', '/clock', { advanceSeconds: 61 });
    const expired = await sim.api<Json>(tokens.access_token, PROFILE);
    expect(expired.status).toBe(401);
    expect(expired.body.message).toBe('Token is not active');
    expect((await sim.refresh(tokens.refresh_token)).status).toBe(200);
  });

  it('refuses every token of a revoked account until it logs in again', async () => {
    const before = await sim.login();
    const other = await sim.login();
    await sim.control('POST', `/accounts/${ATHLETE}/revoke`);
    expect((await sim.api(before.access_token, PROFILE)).status).toBe(401);
    expect((await sim.refresh(other.refresh_token)).status).toBe(400);
    const after = await sim.login();
    expect((await sim.api(after.access_token, PROFILE)).status).toBe(200);
  });

  it('answers 401 to a missing, malformed or tampered bearer token', async () => {
    const { access_token } = await sim.login();
    const [header, payload] = access_token.split('.');
    const forged = `${header}.${payload}.${Buffer.alloc(32).toString('base64url')}`;
    for (const token of [undefined, 'not-a-jwt', forged]) {
      const answer = await sim.api<Json>(token, PROFILE);
      expect(answer.status).toBe(401);
      expect(answer.body.message).toEqual(expect.any(String));
    }
  });

  it('does not serve a token endpoint at other paths', async () => {
    const response = await fetch(`${sim.url}${TOKEN_PATH}`, { method: 'GET' });
    expect(response.status).toBe(404);
  });
});

describe('MFA', () => {
  it('keeps the pending login through a wrong code and accepts the right one on either endpoint', async () => {
    const login = await sim.ssoLogin(MFA_USER, PASSWORD);
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ responseStatus: { type: 'MFA_REQUIRED' }, customerMfaInfo: { mfaLastMethodUsed: 'email' } });
    expect(login.body.serviceTicketId).toBeUndefined();

    const wrong = await sim.verifyMfa(login.cookie, '000000');
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatchObject({ responseStatus: { type: 'INVALID_MFA_CODE' } });

    const right = await sim.verifyMfa(login.cookie, '123456', 'portal');
    expect(right.body).toMatchObject({ responseStatus: { type: 'SUCCESSFUL' }, serviceTicketId: expect.stringMatching(/^ST-/) });
    const tokens = await sim.exchange(right.body.serviceTicketId as string);
    const profile = await sim.api<Json>(tokens.body.access_token as string, PROFILE);
    expect(profile.body.displayName).toBe('mfa-runner-7');

    // The pending login is used up.
    expect((await sim.verifyMfa(login.cookie, '123456')).body.serviceTicketId).toBeUndefined();
  });

  it('drops the pending login after ten wrong codes', async () => {
    const login = await sim.ssoLogin(MFA_USER, PASSWORD);
    for (let i = 0; i < 10; i++) expect((await sim.verifyMfa(login.cookie, '999999')).body).toMatchObject({ responseStatus: { type: 'INVALID_MFA_CODE' } });
    const late = await sim.verifyMfa(login.cookie, '123456');
    expect(late.body.serviceTicketId).toBeUndefined();
    expect(late.status).toBe(400);
  });

  it('refuses a code without a pending MFA login', async () => {
    const login = await sim.ssoLogin(ATHLETE, PASSWORD);
    expect((await sim.verifyMfa(login.cookie, '123456')).status).toBe(400);
  });
});
