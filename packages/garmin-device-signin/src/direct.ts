/**
 * Direct sign-in, for environments without CORS (React Native, Electron's main process,
 * Node, a CLI): Garmin's mobile SSO JSON flow, the one Garmin's iOS app and garminconnect
 * use, spoken with fetch. A browser page cannot use this (Garmin's SSO sends no CORS
 * headers, and a page may not set cookies on requests): there, use `signInUrl`.
 *
 * The password goes only to Garmin; the result is a service ticket for the backend.
 */
import type { ServiceTicket } from './browser';
import { IOS_SERVICE_URL, SIGN_IN_CLIENTS, SSO_BASE_URL } from './garmin';

export type GarminSignInErrorCode =
  /** Garmin refused the username or password. */
  | 'INVALID_CREDENTIALS'
  /** Every MFA code given was refused (or none was). */
  | 'MFA_INVALID'
  /** Garmin (Cloudflare) refused this network or client: 403/427/429. Try later or elsewhere. */
  | 'BLOCKED'
  /** Any answer this client does not know. */
  | 'UNEXPECTED';

export class GarminSignInError extends Error {
  constructor(
    readonly code: GarminSignInErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'GarminSignInError';
  }
}

/** Asked for the code Garmin sent; `retry` is true after Garmin refused the previous one. */
export type MfaPrompt = (context: { retry: boolean }) => string | Promise<string>;

export interface SignInOptions {
  username: string;
  password: string;
  /** Called when the account has MFA; called again after a wrong code. */
  promptMfa: MfaPrompt;
  /** Codes to try before giving up (default 3). */
  maxMfaAttempts?: number;
  /** Garmin's SSO; only tests point this elsewhere (the simulator). */
  ssoBaseUrl?: string;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

const BLOCKED_STATUSES = new Set([403, 427, 429]);
const SERVICE_URL = IOS_SERVICE_URL;
const CLIENT_ID = SIGN_IN_CLIENTS[SERVICE_URL].clientId;

/** The SSO session lives in cookies; fetch outside a browser keeps none, so this does. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(headers: Headers): void {
    const lines = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : (headers.get('set-cookie')?.split(/,(?=\s*[^;,=\s]+=)/) ?? []);
    for (const line of lines) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

interface SsoAnswer {
  status: number;
  type: string | undefined;
  body: Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Garmin's `responseStatus.type`, e.g. SUCCESSFUL, MFA_REQUIRED, INVALID_USERNAME_PASSWORD. */
const responseType = (body: Record<string, unknown>): string | undefined => {
  const status = body.responseStatus;
  return isRecord(status) && typeof status.type === 'string' ? status.type : undefined;
};

/** Signs in with Garmin's mobile SSO flow; resolves to a service ticket for the backend. */
export const signIn = async (options: SignInOptions): Promise<ServiceTicket> => {
  const send = options.fetch ?? fetch;
  const sso = (options.ssoBaseUrl ?? SSO_BASE_URL).replace(/\/+$/, '');
  const jar = new CookieJar();
  const params = new URLSearchParams({ clientId: CLIENT_ID, locale: 'en-US', service: SERVICE_URL });
  const signInPage = `${sso}/mobile/sso/en_US/sign-in?${new URLSearchParams({ clientId: CLIENT_ID, service: SERVICE_URL })}`;

  const post = async (path: string, payload: Record<string, unknown>): Promise<SsoAnswer> => {
    const response = await send(`${sso}${path}?${params}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', cookie: jar.header(), referer: signInPage },
      body: JSON.stringify(payload),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    jar.take(response.headers);
    const body: unknown = await response.json().catch(() => undefined);
    const answer: SsoAnswer = { status: response.status, type: isRecord(body) ? responseType(body) : undefined, body: isRecord(body) ? body : {} };
    const error = answer.body.error;
    if (BLOCKED_STATUSES.has(response.status) || (isRecord(error) && error['status-code'] === '429')) {
      throw new GarminSignInError('BLOCKED', `Garmin refused the sign-in from this network (HTTP ${response.status})`, response.status);
    }
    return answer;
  };

  // The page sets the SSO session cookies; Garmin refuses a credential post without them.
  const page = await send(signInPage, { headers: { accept: 'text/html' }, ...(options.signal ? { signal: options.signal } : {}) });
  jar.take(page.headers);
  await page.arrayBuffer();
  if (BLOCKED_STATUSES.has(page.status)) {
    throw new GarminSignInError('BLOCKED', `Garmin refused the sign-in page from this network (HTTP ${page.status})`, page.status);
  }

  let answer = await post('/mobile/api/login', { username: options.username, password: options.password, rememberMe: true, captchaToken: '' });
  if (answer.type === 'INVALID_USERNAME_PASSWORD') throw new GarminSignInError('INVALID_CREDENTIALS', 'Garmin refused the username or password', answer.status);
  if (answer.type === 'MFA_REQUIRED') {
    const info = answer.body.customerMfaInfo;
    const mfaMethod = isRecord(info) && typeof info.mfaLastMethodUsed === 'string' ? info.mfaLastMethodUsed : 'email';
    const attempts = options.maxMfaAttempts ?? 3;
    for (let attempt = 0; answer.type !== 'SUCCESSFUL'; attempt += 1) {
      if (attempt >= attempts) throw new GarminSignInError('MFA_INVALID', 'Garmin did not accept the MFA code', answer.status);
      const code = (await options.promptMfa({ retry: attempt > 0 })).trim();
      answer = await post('/mobile/api/mfa/verifyCode', { mfaMethod, mfaVerificationCode: code, rememberMyBrowser: false, reconsentList: [], mfaSetup: false });
      if (answer.type !== 'SUCCESSFUL' && answer.type !== 'INVALID_MFA_CODE') break;
    }
  }
  const ticket = answer.body.serviceTicketId;
  if (answer.type !== 'SUCCESSFUL' || typeof ticket !== 'string') {
    throw new GarminSignInError('UNEXPECTED', `Garmin answered the sign-in with ${answer.type ?? `HTTP ${answer.status}`}`, answer.status);
  }
  return { ticket, serviceUrl: SERVICE_URL };
};
