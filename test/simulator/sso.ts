/**
 * Garmin SSO (sso.garmin.com, served under /sso): the mobile and portal JSON sign-in
 * flows and MFA code verification. The HTML widget flow is not offered (404), so the
 * library skips it like any failed strategy.
 *
 * As at Garmin, the credential POST needs the SESSION cookie the sign-in page sets
 * (without it Garmin answers 429, see client/sso.py _do_mobile_login), and a pending MFA
 * login lives in that SSO session.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AccountRegistry } from './accounts';
import { setBounded } from './bounded';
import { json, jsonBody, type RouteMatch, type SimRequest, type SimResponse } from './http';
import type { TokenAuthority } from './tokens';

const MAX_WRONG_MFA_CODES = 10;
const MAX_SESSIONS = 50_000;

interface PendingMfa {
  email: string;
  wrongCodes: number;
}

interface SsoSession {
  mfa?: PendingMfa;
}

const SIGN_IN_PAGES = new Set(['/sso/mobile/sso/en_US/sign-in', '/sso/portal/sso/en-US/sign-in']);
const LOGIN_PATHS = new Set(['/sso/mobile/api/login', '/sso/portal/api/login']);
const MFA_PATHS = new Set(['/sso/mobile/api/mfa/verifyCode', '/sso/portal/api/mfa/verifyCode']);

const Credentials = z.object({ username: z.string(), password: z.string() });
const MfaCode = z.object({ mfaVerificationCode: z.string() });

const status = (type: string) => ({ type, message: '', httpStatus: type === 'INVALID_USERNAME_PASSWORD' ? 'UNAUTHORIZED' : 'OK' });

const SIGN_IN_HTML =
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>GARMIN Authentication Application</title></head>' +
  '<body><div id="root">Garmin Connect simulator sign-in</div></body></html>';

export const isSsoPath = (path: string): boolean => path === '/sso' || path.startsWith('/sso/');

export class SsoService {
  private readonly sessions = new Map<string, SsoSession>();

  constructor(
    private readonly tokens: TokenAuthority,
    private readonly accounts: AccountRegistry,
  ) {}

  route(req: SimRequest): RouteMatch | undefined {
    if (!isSsoPath(req.path)) return undefined;
    const session = this.sessions.get(req.cookies.get('SESSION') ?? '');
    if (req.method === 'GET' && SIGN_IN_PAGES.has(req.path)) {
      return { endpoint: 'sso-signin-page', account: undefined, handle: () => this.signInPage(req) };
    }
    if (req.method === 'POST' && LOGIN_PATHS.has(req.path)) {
      const credentials = Credentials.safeParse(jsonBody(req));
      const account = credentials.success ? this.accounts.find(credentials.data.username) : undefined;
      return { endpoint: 'sso-login', account: account?.email, handle: () => this.login(session, credentials.data) };
    }
    if (req.method === 'POST' && MFA_PATHS.has(req.path)) {
      return { endpoint: 'sso-mfa-verify', account: session?.mfa?.email, handle: () => this.verifyMfa(session, req) };
    }
    return { endpoint: 'other', account: undefined, handle: () => json(404, { message: 'Not found' }) };
  }

  reset(): void {
    this.sessions.clear();
  }

  private signInPage(req: SimRequest): SimResponse {
    const existing = req.cookies.get('SESSION');
    if (existing && this.sessions.has(existing)) return { status: 200, html: SIGN_IN_HTML };
    const id = randomBytes(18).toString('base64url');
    setBounded(this.sessions, id, {}, MAX_SESSIONS);
    return { status: 200, html: SIGN_IN_HTML, headers: { 'set-cookie': [`SESSION=${id}; Path=/; HttpOnly; SameSite=Lax`] } };
  }

  private login(session: SsoSession | undefined, credentials: z.infer<typeof Credentials> | undefined): SimResponse {
    if (!session) {
      return json(429, { error: { 'status-code': '429', message: 'No SSO session: load the sign-in page first' } });
    }
    if (!credentials) return json(400, { responseStatus: status('INVALID_REQUEST') });
    const account = this.accounts.find(credentials.username);
    if (!account || credentials.password !== account.password) {
      return json(401, { responseStatus: status('INVALID_USERNAME_PASSWORD') });
    }
    if (account.mfaCode) {
      session.mfa = { email: account.email, wrongCodes: 0 };
      return json(200, {
        responseStatus: status('MFA_REQUIRED'),
        customerMfaInfo: { mfaLastMethodUsed: 'email', mfaEnabled: true, emailMfaEnabled: true },
      });
    }
    return json(200, { responseStatus: status('SUCCESSFUL'), serviceTicketId: this.tokens.issueTicket(account) });
  }

  private verifyMfa(session: SsoSession | undefined, req: SimRequest): SimResponse {
    const pending = session?.mfa;
    const account = pending ? this.accounts.find(pending.email) : undefined;
    if (!session || !pending || !account) return json(400, { responseStatus: status('MFA_SESSION_NOT_FOUND') });
    const body = MfaCode.safeParse(jsonBody(req));
    if (!body.success) return json(400, { responseStatus: status('INVALID_REQUEST') });
    if (body.data.mfaVerificationCode !== account.mfaCode) {
      pending.wrongCodes += 1;
      // Too many wrong codes end the pending login, as at Garmin; a new login is needed.
      if (pending.wrongCodes >= MAX_WRONG_MFA_CODES) delete session.mfa;
      return json(200, { responseStatus: status('INVALID_MFA_CODE') });
    }
    delete session.mfa;
    return json(200, { responseStatus: status('SUCCESSFUL'), serviceTicketId: this.tokens.issueTicket(account) });
  }
}
