/**
 * The device client against the Garmin simulator's user's-network address, then the backend's
 * API with what it returned: the direct sign-in (MFA included) and the webview way (the sign-in
 * URL, Garmin's page driven like a webview does, the ticket recognised in the redirect).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ATHLETE, type Harness, MFA_USER, PASSWORD, startHarness } from '../../../test/integration/core/harness';
import {
  ANDROID_SERVICE_URL,
  GarminSignInError,
  IOS_SERVICE_URL,
  PORTAL_SERVICE_URL,
  type ServiceTicket,
  signIn,
  signInUrl,
  ticketFromRedirect,
} from '../src';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  // The simulator is shared by the files of the run: leave no block or fault behind.
  await h.sim.reset();
  await h.runtime.stop();
});
beforeEach(async () => {
  await h.sim.reset();
});

const sso = () => `${h.sim.userUrl}/sso`;

const connect = async (signedIn: ServiceTicket) => {
  const user = h.newUser();
  const answer = await h.api('POST /garmin/connection', { userId: user, body: { ...signedIn } });
  return { user, answer };
};

const failure = async (promise: Promise<unknown>): Promise<GarminSignInError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GarminSignInError);
  return error as GarminSignInError;
};

describe('signInUrl and ticketFromRedirect (webview or browser tab)', () => {
  it('builds the sign-in page URL of each Garmin service, in the page\'s own locale spelling', () => {
    expect(signInUrl()).toBe(
      'https://sso.garmin.com/portal/sso/en-US/sign-in?clientId=GarminConnect&service=https%3A%2F%2Fconnect.garmin.com%2Fapp',
    );
    expect(signInUrl({ serviceUrl: IOS_SERVICE_URL, locale: 'de-de', ssoBaseUrl: 'http://127.0.0.2:9/sso/' })).toBe(
      'http://127.0.0.2:9/sso/mobile/sso/de_DE/sign-in?clientId=GCM_IOS_DARK&service=https%3A%2F%2Fmobile.integration.garmin.com%2Fgcm%2Fios',
    );
    expect(signInUrl({ serviceUrl: ANDROID_SERVICE_URL })).toContain('clientId=GCM_ANDROID_DARK');
    expect(() => signInUrl({ locale: 'english' })).toThrow(RangeError);
  });

  it('recognises the ticket only in a navigation to a Garmin service URL', () => {
    expect(ticketFromRedirect('https://connect.garmin.com/app?ticket=ST-0123456-AbC_d-cas')).toEqual({
      ticket: 'ST-0123456-AbC_d-cas',
      serviceUrl: PORTAL_SERVICE_URL,
    });
    expect(ticketFromRedirect(new URL(`${IOS_SERVICE_URL}?ticket=ST-1-x-cas&x=1`))?.serviceUrl).toBe(IOS_SERVICE_URL);
    for (const url of [
      'https://connect.garmin.com.evil.example/app?ticket=ST-1-x-cas',
      'https://connect.garmin.com/modern?ticket=ST-1-x-cas',
      'http://connect.garmin.com/app?ticket=ST-1-x-cas',
      'https://connect.garmin.com/app?ticket=TGT-1-x',
      'https://connect.garmin.com/app',
      'not a url',
    ]) {
      expect(ticketFromRedirect(url), url).toBeUndefined();
    }
  });

  it('a webview on Garmin\'s page gets a ticket the API connects with', async () => {
    // What a webview does: load the page, let the user submit the form, watch the navigations.
    const page = signInUrl({ ssoBaseUrl: sso() });
    const loaded = await fetch(page);
    const cookie = (loaded.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    expect(await loaded.text()).toContain('name="password"');
    const submitted = await fetch(page, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: ATHLETE, password: PASSWORD }),
    });
    expect(submitted.status).toBe(302);
    const signedIn = ticketFromRedirect(submitted.headers.get('location') ?? '');
    expect(signedIn?.serviceUrl).toBe(PORTAL_SERVICE_URL);

    const { answer } = await connect(signedIn as ServiceTicket);
    expect(answer.status).toBe(201);
  });
});

describe('signIn (no CORS: React Native, Electron, Node, a CLI)', () => {
  it('signs in without MFA and the API connects with the ticket', async () => {
    const signedIn = await signIn({ username: ATHLETE, password: PASSWORD, promptMfa: () => 'unused', ssoBaseUrl: sso() });
    expect(signedIn).toEqual({ ticket: expect.stringMatching(/^ST-/), serviceUrl: IOS_SERVICE_URL });
    const { user, answer } = await connect(signedIn);
    expect(answer.status).toBe(201);
    expect((await h.api('GET /garmin/connection', { userId: user })).body).toMatchObject({ connection: { status: 'active' } });
  });

  it('asks for the MFA code again after a wrong one, then connects', async () => {
    const prompts: boolean[] = [];
    const signedIn = await signIn({
      username: MFA_USER,
      password: PASSWORD,
      promptMfa: ({ retry }) => {
        prompts.push(retry);
        return retry ? ' 123456 ' : '000000';
      },
      ssoBaseUrl: sso(),
    });
    expect(prompts).toEqual([false, true]);
    const { answer } = await connect(signedIn);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ connection: { username: 'mfa-runner-7' } });
  });

  it('says why a sign-in failed: credentials, MFA codes, or a block of this network', async () => {
    expect((await failure(signIn({ username: ATHLETE, password: 'wrong-horse', promptMfa: () => '', ssoBaseUrl: sso() }))).code).toBe(
      'INVALID_CREDENTIALS',
    );
    const wrongCodes = signIn({ username: MFA_USER, password: PASSWORD, promptMfa: () => '000000', maxMfaAttempts: 2, ssoBaseUrl: sso() });
    expect((await failure(wrongCodes)).code).toBe('MFA_INVALID');

    await h.sim.blockSso({ status: 403, network: 'user' });
    const blocked = await failure(signIn({ username: ATHLETE, password: PASSWORD, promptMfa: () => '', ssoBaseUrl: sso() }));
    expect(blocked).toMatchObject({ code: 'BLOCKED', status: 403 });
  });
});
