/** The Garmin simulator's control API (/__sim), for tests and the benchmark. */
import { userNetworkUrl } from '../simulator/server';

export interface SimCounters {
  total: number;
  byEndpoint: Record<string, number>;
  byAccount: Record<string, Record<string, number>>;
}

export interface FaultSpec {
  account?: string;
  endpoint: string;
  status?: number;
  retryAfter?: number;
  latencyMs?: number;
  count?: number;
  skip?: number;
}

export interface NewSimAccount {
  email: string;
  password: string;
  mfaCode?: string;
  displayName?: string;
  /** IANA zone; default UTC. */
  timeZone?: string;
  /** Default false: no generated activities or wellness data. */
  seeded?: boolean;
  /** Days of generated history when seeded (default 90). */
  days?: number;
}

export interface SimAccountSettings {
  email: string;
  displayName: string;
  fullName: string;
  profileId: number;
  socialProfileId: number;
  garminGuid: string;
  timeZone: string;
  mfa: boolean;
  seeded: boolean;
  days: number;
  deviceId: number;
  tokens: TokenLifetimes;
  diExchangeFails: boolean;
  deviceLastUploadAt: string | null;
  activities: { stored: number; deleted: number };
  dayOverrides: Record<string, 'summary' | 'empty' | 'privacyProtected' | 'noData'>;
}

export interface TokenLifetimes {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

/** A Garmin activity search item as Garmin sends it; the simulator needs these keys. */
export type RawGarminActivity = Record<string, unknown> & { activityId: number; startTimeLocal: string; startTimeGMT: string };

export type DaySetting = { summary: Record<string, unknown> } | { empty: true } | { privacyProtected: true } | { noData: true };

export interface SsoBlock {
  status: 429 | 403;
  /** ISO instant on the simulated clock; default: until lifted. */
  until?: string;
  /** Default: every account. */
  accounts?: string[];
  /** Default: both. `cloud`: the bridge's logins are refused, a device on the user's network signs in. */
  network?: 'cloud' | 'user';
}

export class SimulatorError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    message: string,
  ) {
    super(message);
  }
}

export class SimulatorClient {
  constructor(readonly url: string) {}

  /** The same simulator seen from the user's own network (a device signing in); see the README. */
  get userUrl(): string {
    const userUrl = userNetworkUrl(this.url);
    if (!userUrl) throw new Error(`the simulator at ${this.url} has no user's-network address`);
    return userUrl;
  }

  /** Any control API call (README: "The Garmin simulator"); throws on a non-2xx answer. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new SimulatorError(response.status, text, `simulator ${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private account = (email: string, rest = '') => `/__sim/accounts/${encodeURIComponent(email)}${rest}`;

  reset = () => this.call<void>('POST', '/__sim/reset');
  resetCounters = () => this.call<void>('POST', '/__sim/counters/reset');
  counters = () => this.call<SimCounters>('GET', '/__sim/counters');
  fault = (spec: FaultSpec) => this.call<{ id: string }>('POST', '/__sim/faults', spec);
  clearFaults = () => this.call<void>('DELETE', '/__sim/faults');
  setClock = (now: string) => this.call<{ now: string }>('POST', '/__sim/clock', { now });
  advanceClock = (advanceSeconds: number) => this.call<{ now: string }>('POST', '/__sim/clock', { advanceSeconds });

  createAccount = (account: NewSimAccount) => this.call<{ email: string; displayName: string; profileId: number }>('POST', '/__sim/accounts', account);
  accountSettings = (email: string) => this.call<SimAccountSettings>('GET', this.account(email));

  /** Access-token lifetime only (kept for existing callers); see tokenLifetimes. */
  tokenTtl = (email: string, accessTtlSeconds: number) => this.call<void>('POST', this.account(email, '/tokens'), { accessTtlSeconds });
  tokenLifetimes = (email: string, lifetimes: Partial<TokenLifetimes>) =>
    this.call<TokenLifetimes & { ok: true }>('POST', this.account(email, '/tokens'), lifetimes);
  revoke = (email: string) => this.call<void>('POST', this.account(email, '/revoke'));
  failDiExchange = (email: string, fail = true) => this.call<void>('POST', this.account(email, '/di-exchange'), { fail });

  /** A realistic generated activity (legacy body): `{typeKey?, startTimeLocal?}`. */
  addActivity = (email: string, fields: { typeKey?: string; startTimeLocal?: string } = {}) =>
    this.call<Record<string, unknown>>('POST', this.account(email, '/activities'), fields);
  /** A raw Garmin activity, stored as given; uploaded (listed, synced) at `uploadedAt` (default: now). */
  addRawActivity = (email: string, activity: RawGarminActivity, uploadedAt?: string) =>
    this.call<RawGarminActivity>('POST', this.account(email, '/activities'), { activity, ...(uploadedAt ? { uploadedAt } : {}) });
  /** Replaces (an edit on Garmin) or creates. */
  putActivity = (email: string, activity: RawGarminActivity, uploadedAt?: string) =>
    this.call<RawGarminActivity>('PUT', this.account(email, `/activities/${activity.activityId}`), { activity, ...(uploadedAt ? { uploadedAt } : {}) });
  deleteActivity = (email: string, activityId: number) => this.call<void>('DELETE', this.account(email, `/activities/${activityId}`));

  setDay = (email: string, date: string, setting: DaySetting) => this.call<{ date: string; kind: string }>('PUT', this.account(email, `/days/${date}`), setting);
  resetDay = (email: string, date: string) => this.call<void>('DELETE', this.account(email, `/days/${date}`));
  /** Raw Garmin objects for a date: `{weighIns: [...]}`, `{hydration: {...}}` or `{sleep: {...}}` (test/simulator/control-wellness.ts). */
  setWellness = (email: string, kind: 'weight' | 'hydration' | 'sleep', date: string, body: Record<string, unknown>) =>
    this.call<{ date: string; kind: string }>('PUT', this.account(email, `/${kind}/${date}`), body);
  weighIns = async (email: string, date: string) =>
    (await this.call<{ weighIns: Array<Record<string, unknown>> }>('GET', this.account(email, `/weight/${date}`))).weighIns;

  /** Sets the device's last upload time (default: the simulator's now). */
  deviceSync = (email: string, at?: string) =>
    this.call<{ lastUsedDeviceUploadTime: number; at: string }>('POST', this.account(email, '/device-sync'), at ? { at } : {});

  /** The HTML sign-in's redirect goes to `to?url=<service URL with ?ticket=>`: an app's webview intercepting it. */
  redirectTickets = (to: string) => this.call<{ to: string }>('POST', '/__sim/ticket-redirect', { to });
  stopRedirectingTickets = () => this.call<void>('DELETE', '/__sim/ticket-redirect');

  blockSso = (block: SsoBlock) => this.call<Record<string, unknown>>('POST', '/__sim/sso-block', block);
  unblockSso = () => this.call<void>('DELETE', '/__sim/sso-block');

  async count(endpoint: string): Promise<number> {
    return (await this.counters()).byEndpoint[endpoint] ?? 0;
  }

  /** Requests that reached Garmin's SSO (sign-in page, login, MFA), from either network. */
  async ssoRequests(): Promise<number> {
    return Object.entries((await this.counters()).byEndpoint)
      .filter(([endpoint]) => endpoint.startsWith('sso'))
      .reduce((sum, [, n]) => sum + n, 0);
  }
}
