/** Drives an in-process simulator with fetch, the way garminconnect does over HTTP. */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/server';

export const ATHLETE = 'athlete@example.com';
export const MFA_USER = 'mfa@example.com';
export const PASSWORD = 'correct-horse';
export const CLIENT_ID = 'GARMIN_CONNECT_MOBILE_ANDROID_DI_2025Q2';
export const TOKEN_PATH = '/diauth/di-oauth2-service/oauth/token';
export const SERVICE_TICKET_GRANT = 'https://connectapi.garmin.com/di-oauth2-service/oauth/grant/service_ticket';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_token_expires_in: number;
}

export type Json = Record<string, unknown>;

export class SimHarness {
  private running: RunningSimulator | undefined;

  static async start(): Promise<SimHarness> {
    const harness = new SimHarness();
    await harness.open();
    return harness;
  }

  async open(): Promise<void> {
    this.running = await startSimulator({ port: 0 });
  }

  private get sim(): RunningSimulator {
    if (!this.running) throw new Error('the simulator is not started yet');
    return this.running;
  }

  get url(): string {
    return this.sim.url;
  }

  /** The user's-network address (the cloud one is `url`). */
  get userUrl(): string {
    if (!this.sim.userUrl) throw new Error('the simulator listens on no user network');
    return this.sim.userUrl;
  }

  close(): Promise<void> {
    return this.sim.close();
  }

  /** Control API call; returns status and parsed body. */
  async control<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.url}/__sim${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  setClock(iso: string): Promise<unknown> {
    return this.control('POST', '/clock', { now: iso });
  }

  /** Sign-in page, then the credential POST with its SESSION cookie. */
  async ssoLogin(username: string, password: string, flow: 'mobile' | 'portal' = 'mobile'): Promise<{ status: number; body: Json; cookie: string }> {
    const page = flow === 'mobile' ? '/sso/mobile/sso/en_US/sign-in' : '/sso/portal/sso/en-US/sign-in';
    const pageResponse = await fetch(`${this.url}${page}`);
    await pageResponse.text();
    const cookie = (pageResponse.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    const response = await fetch(`${this.url}/sso/${flow}/api/login?clientId=GCM_IOS_DARK&service=x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ username, password, rememberMe: true, captchaToken: '' }),
    });
    // A blocked login is Cloudflare's HTML page, not JSON.
    const text = await response.text();
    return { status: response.status, body: (text.startsWith('{') ? JSON.parse(text) : {}) as Json, cookie };
  }

  async verifyMfa(cookie: string, code: string, flow: 'mobile' | 'portal' = 'mobile'): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${this.url}/sso/${flow}/api/mfa/verifyCode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ mfaMethod: 'email', mfaVerificationCode: code, rememberMyBrowser: true, reconsentList: [], mfaSetup: false }),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  async tokenRequest(form: Record<string, string>, clientId = CLIENT_ID): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${this.url}${TOKEN_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:`).toString('base64')}`,
      },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  /** `serviceUrl`: the one the ticket's sign-in named ('x' for ssoLogin's). */
  exchange(ticket: string, serviceUrl = 'x'): Promise<{ status: number; body: Json }> {
    return this.tokenRequest({ client_id: CLIENT_ID, service_ticket: ticket, grant_type: SERVICE_TICKET_GRANT, service_url: serviceUrl });
  }

  refresh(refreshToken: string): Promise<{ status: number; body: Json }> {
    return this.tokenRequest({ grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: refreshToken });
  }

  /** A full login of an account without MFA: SSO, then the ticket exchange. */
  async login(email = ATHLETE, password = PASSWORD): Promise<TokenPair> {
    const sso = await this.ssoLogin(email, password);
    const ticket = sso.body.serviceTicketId;
    if (typeof ticket !== 'string') throw new Error(`login of ${email} gave no ticket: ${JSON.stringify(sso.body)}`);
    const tokens = await this.exchange(ticket);
    if (tokens.status !== 200) throw new Error(`exchange failed: ${tokens.status}`);
    return tokens.body as unknown as TokenPair;
  }

  async api<T = unknown>(token: string | undefined, path: string, params: Record<string, string | number> = {}): Promise<{ status: number; body: T; headers: Headers }> {
    const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
    const response = await fetch(`${this.url}/connectapi${path}${query ? `?${query}` : ''}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  }
}

export interface SimulatorForFile {
  /** Started before the file's tests (usable in them and in its hooks), closed after them. */
  readonly sim: SimHarness;
  /** The athlete's tokens from the latest `signIn` (before each test with `login`). */
  readonly athlete: TokenPair;
  /** `athlete.access_token`. */
  readonly token: string;
  /** Signs the athlete in again (a test that changed the token lifetimes or the clock). */
  signIn(): Promise<TokenPair>;
}

/**
 * The simulator a test file shares. Before each test it is reset, then set to `now` on its
 * clock and the athlete signed in, when asked, so no test sees another's accounts, faults or time.
 */
export function simulatorForFile(options: { now?: string; login?: boolean } = {}): SimulatorForFile {
  const sim = new SimHarness();
  let athlete: TokenPair | undefined;
  const signIn = async (): Promise<TokenPair> => (athlete = await sim.login());
  beforeAll(() => sim.open());
  afterAll(() => sim.close());
  beforeEach(async () => {
    athlete = undefined;
    await sim.control('POST', '/reset');
    if (options.now) await sim.setClock(options.now);
    if (options.login) await signIn();
  });
  const signedIn = (): TokenPair => {
    if (!athlete) throw new Error('no athlete signed in: pass { login: true } or call signIn()');
    return athlete;
  };
  return {
    sim,
    signIn,
    get athlete() {
      return signedIn();
    },
    get token() {
      return signedIn().access_token;
    },
  };
}

export interface ActivityItem {
  activityId: number;
  startTimeLocal: string;
  startTimeGMT: string;
  beginTimestamp: number;
  elapsedDuration: number;
  activityType: { typeKey: string };
  steps?: number;
}

export const activitiesPath = '/activitylist-service/activities/search/activities';
export const summaryPath = (displayName: string) => `/usersummary-service/usersummary/daily/${displayName}`;
