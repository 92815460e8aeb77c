/**
 * Garmin SSO (sso.garmin.com, served under /sso): the mobile and portal JSON sign-in flows
 * garminconnect speaks, MFA code verification, and the same sign-in pages as a browser sees
 * them (an HTML form, then the MFA step), which on success redirect (302) to the service URL
 * with `?ticket=ST-…`. The HTML widget flow is not offered (404), so the library skips it
 * like any failed strategy.
 *
 * As at Garmin, the credential POST needs the SESSION cookie the sign-in page sets
 * (without it Garmin answers 429, see client/sso.py _do_mobile_login), a pending MFA login
 * lives in that SSO session, and every ticket is issued for the service the sign-in named.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isGarminServiceUrl } from '../../packages/garmin-device-signin/src/garmin';
import type { AccountRegistry } from './accounts';
import { setBounded } from './bounded';
import { formBody, json, jsonBody, type RouteMatch, type SimRequest, type SimResponse } from './http';
import { messagePage, mfaForm, signInForm } from './sso-pages';
import type { TokenAuthority } from './tokens';
import { SERVICE_PATHS } from './web-session';

const MAX_WRONG_MFA_CODES = 10;
const MAX_SESSIONS = 50_000;

interface PendingMfa {
  email: string;
  wrongCodes: number;
  /** The service the login named: the ticket the code buys is for it. */
  serviceUrl: string;
}

interface SsoSession {
  mfa?: PendingMfa;
}

/** The mobile and portal sign-in pages, in any locale (`en_US` on mobile, `en-US` on the portal). */
const SIGN_IN_PAGE = /^\/sso\/(?:mobile|portal)\/sso\/[A-Za-z]{2}[-_][A-Za-z]{2}\/sign-in$/;
const LOGIN_PATHS = new Set(['/sso/mobile/api/login', '/sso/portal/api/login']);
const MFA_PATHS = new Set(['/sso/mobile/api/mfa/verifyCode', '/sso/portal/api/mfa/verifyCode']);

const Credentials = z.object({ username: z.string(), password: z.string() });
const MfaCode = z.object({ mfaVerificationCode: z.string() });

type Credentials = z.infer<typeof Credentials>;

/** What a credential or MFA check came to; each flow (JSON or HTML) answers it its own way. */
type SignedIn = { kind: 'signed_in'; ticket: string; serviceUrl: string };
type LoginVerdict = { kind: 'no_session' } | { kind: 'invalid_credentials' } | { kind: 'mfa_required' } | SignedIn;
type MfaVerdict = { kind: 'no_pending_mfa' } | { kind: 'invalid_mfa_code' } | SignedIn;

const status = (type: string) => ({ type, message: '', httpStatus: type === 'INVALID_USERNAME_PASSWORD' ? 'UNAUTHORIZED' : 'OK' });

export const isSsoPath = (path: string): boolean => path === '/sso' || path.startsWith('/sso/');

/** Garmin's SSO redirects only to services registered with it: Garmin's own, or the simulator's stand-ins for them. */
const isRegisteredService = (value: string): boolean => {
  if (isGarminServiceUrl(value)) return true;
  try {
    return SERVICE_PATHS.has(new URL(value).pathname);
  } catch {
    return false;
  }
};

export class SsoService {
  private readonly sessions = new Map<string, SsoSession>();
  /** Where the HTML sign-in sends the browser instead of the service URL (see setTicketRedirect). */
  private ticketRedirect: string | undefined;

  constructor(
    private readonly tokens: TokenAuthority,
    private readonly accounts: AccountRegistry,
  ) {}

  route(req: SimRequest): RouteMatch | undefined {
    if (!isSsoPath(req.path)) return undefined;
    const session = this.sessions.get(req.cookies.get('SESSION') ?? '');
    if (SIGN_IN_PAGE.test(req.path)) return this.routePage(req, session);
    if (req.method === 'POST' && LOGIN_PATHS.has(req.path)) {
      const credentials = Credentials.safeParse(jsonBody(req));
      const account = credentials.success ? this.accounts.find(credentials.data.username) : undefined;
      const serviceUrl = req.query.get('service') ?? '';
      return { endpoint: 'sso-login', account: account?.email, handle: () => this.jsonLogin(session, credentials.data, serviceUrl) };
    }
    if (req.method === 'POST' && MFA_PATHS.has(req.path)) {
      return { endpoint: 'sso-mfa-verify', account: session?.mfa?.email, handle: () => this.jsonMfa(session, req) };
    }
    return { endpoint: 'other', account: undefined, handle: () => json(404, { message: 'Not found' }) };
  }

  /**
   * Stands in for an app's webview, which intercepts the navigation to the service URL and
   * hands that URL (with its ticket) to the app: the HTML sign-in then redirects to
   * `to?url=<service URL with ?ticket=>` instead. Undefined restores Garmin's redirect.
   */
  setTicketRedirect(to: string | undefined): void {
    this.ticketRedirect = to;
  }

  describeTicketRedirect(): { to: string | null } {
    return { to: this.ticketRedirect ?? null };
  }

  reset(): void {
    this.sessions.clear();
    this.ticketRedirect = undefined;
  }

  // ---- the JSON flows (garminconnect, the device client's direct sign-in) ----

  private jsonLogin(session: SsoSession | undefined, credentials: Credentials | undefined, serviceUrl: string): SimResponse {
    if (!credentials) return json(400, { responseStatus: status('INVALID_REQUEST') });
    const verdict = this.checkCredentials(session, credentials, serviceUrl);
    switch (verdict.kind) {
      case 'no_session':
        return json(429, { error: { 'status-code': '429', message: 'No SSO session: load the sign-in page first' } });
      case 'invalid_credentials':
        return json(401, { responseStatus: status('INVALID_USERNAME_PASSWORD') });
      case 'mfa_required':
        return json(200, {
          responseStatus: status('MFA_REQUIRED'),
          customerMfaInfo: { mfaLastMethodUsed: 'email', mfaEnabled: true, emailMfaEnabled: true },
        });
      case 'signed_in':
        return this.jsonSignedIn(verdict);
    }
  }

  private jsonMfa(session: SsoSession | undefined, req: SimRequest): SimResponse {
    const body = MfaCode.safeParse(jsonBody(req));
    if (session?.mfa && !body.success) return json(400, { responseStatus: status('INVALID_REQUEST') });
    const verdict = this.checkMfaCode(session, body.data?.mfaVerificationCode ?? '');
    if (verdict.kind === 'invalid_mfa_code') return json(200, { responseStatus: status('INVALID_MFA_CODE') });
    if (verdict.kind !== 'signed_in') return json(400, { responseStatus: status('MFA_SESSION_NOT_FOUND') });
    return this.jsonSignedIn(verdict);
  }

  private jsonSignedIn(verdict: SignedIn): SimResponse {
    return json(200, { responseStatus: status('SUCCESSFUL'), serviceTicketId: verdict.ticket });
  }

  // ---- the sign-in page (a browser or webview) ----

  private routePage(req: SimRequest, session: SsoSession | undefined): RouteMatch {
    if (req.method !== 'POST') return { endpoint: 'sso-signin-page', account: undefined, handle: () => this.showPage(req) };
    const form = formBody(req);
    const code = form.get('mfa-code');
    if (code !== null) return { endpoint: 'sso-mfa-verify', account: session?.mfa?.email, handle: () => this.pageMfa(req, session, code) };
    const credentials = { username: form.get('username') ?? '', password: form.get('password') ?? '' };
    return {
      endpoint: 'sso-login',
      account: this.accounts.find(credentials.username)?.email,
      handle: () => this.pageLogin(req, session, credentials),
    };
  }

  private showPage(req: SimRequest): SimResponse {
    const existing = req.cookies.get('SESSION');
    const html = signInForm(pageAction(req));
    if (existing && this.sessions.has(existing)) return { status: 200, html };
    const id = randomBytes(18).toString('base64url');
    setBounded(this.sessions, id, {}, MAX_SESSIONS);
    return { status: 200, html, headers: { 'set-cookie': [`SESSION=${id}; Path=/; HttpOnly; SameSite=Lax`] } };
  }

  private pageLogin(req: SimRequest, session: SsoSession | undefined, credentials: Credentials): SimResponse {
    const serviceUrl = req.query.get('service') ?? '';
    if (!isRegisteredService(serviceUrl)) return { status: 400, html: messagePage('Error', 'This application is not authorized to use Garmin SSO') };
    const verdict = this.checkCredentials(session, credentials, serviceUrl);
    switch (verdict.kind) {
      case 'no_session':
        return { status: 200, html: signInForm(pageAction(req), 'Your session expired. Please sign in again.') };
      case 'invalid_credentials':
        return { status: 200, html: signInForm(pageAction(req), 'Invalid sign in. (Email and password are case sensitive.)') };
      case 'mfa_required':
        return { status: 200, html: mfaForm(pageAction(req)) };
      case 'signed_in':
        return this.pageSignedIn(verdict);
    }
  }

  private pageMfa(req: SimRequest, session: SsoSession | undefined, code: string): SimResponse {
    const verdict = this.checkMfaCode(session, code);
    if (verdict.kind === 'invalid_mfa_code') return { status: 200, html: mfaForm(pageAction(req), 'Invalid code. Please try again.') };
    if (verdict.kind !== 'signed_in') return { status: 200, html: signInForm(pageAction(req), 'Your session expired. Please sign in again.') };
    return this.pageSignedIn(verdict);
  }

  /** Garmin's redirect to the service URL with the ticket, or to the stand-in for an app's webview. */
  private pageSignedIn(verdict: SignedIn): SimResponse {
    const target = new URL(verdict.serviceUrl);
    target.searchParams.set('ticket', verdict.ticket);
    const location = this.ticketRedirect ? `${this.ticketRedirect}?url=${encodeURIComponent(target.toString())}` : target.toString();
    return { status: 302, headers: { location } };
  }

  // ---- what both flows share ----

  private checkCredentials(session: SsoSession | undefined, credentials: Credentials, serviceUrl: string): LoginVerdict {
    if (!session) return { kind: 'no_session' };
    const account = this.accounts.find(credentials.username);
    if (!account || credentials.password !== account.password) return { kind: 'invalid_credentials' };
    if (account.mfaCode) {
      session.mfa = { email: account.email, wrongCodes: 0, serviceUrl };
      return { kind: 'mfa_required' };
    }
    return { kind: 'signed_in', ticket: this.tokens.issueTicket(account, serviceUrl), serviceUrl };
  }

  private checkMfaCode(session: SsoSession | undefined, code: string): MfaVerdict {
    const pending = session?.mfa;
    const account = pending ? this.accounts.find(pending.email) : undefined;
    if (!session || !pending || !account) return { kind: 'no_pending_mfa' };
    if (code !== account.mfaCode) {
      pending.wrongCodes += 1;
      // Too many wrong codes end the pending login, as at Garmin; a new login is needed.
      if (pending.wrongCodes >= MAX_WRONG_MFA_CODES) delete session.mfa;
      return { kind: 'invalid_mfa_code' };
    }
    delete session.mfa;
    return { kind: 'signed_in', ticket: this.tokens.issueTicket(account, pending.serviceUrl), serviceUrl: pending.serviceUrl };
  }
}

/** The page's own path and query: the form posts back to it, keeping clientId and service. */
const pageAction = (req: SimRequest): string => {
  const query = req.query.toString();
  return query ? `${req.path}?${query}` : req.path;
};
