/**
 * Service tickets, DI access tokens (HS256 JWTs), rotating refresh tokens and the JWT_WEB
 * cookie a ticket buys when the DI exchange fails. As in Garmin's DI tokens, the JWT carries
 * the account as `garmin_guid` and the DI client it was issued to as `client_id` (the
 * library reads that one back for refreshes).
 *
 * Lifetimes: Garmin's OAuth2 answers recorded in public cassettes (recorded.ts) give
 * `refresh_token_expires_in` 2591999 s (30 days) and `expires_in` of 18-30 h; reports for
 * DI tokens say 4-24 h. The access default is the short end, so products must refresh.
 *
 * The JWT's iat/exp are on the real clock, because garminconnect compares exp with
 * time.time() to decide when to refresh (client/tokens.py:115); the server itself expires
 * tokens on the simulated clock, so moving the clock forward makes Garmin refuse them.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Account, AccountRegistry } from './accounts';
import { setBounded } from './bounded';
import type { SimClock } from './clock';

export const DEFAULT_ACCESS_TTL_SECONDS = 4 * 3600;
/**
 * How long an unused service ticket lives. Garmin's SSO is CAS (tickets look like
 * `ST-0123456-…-cas`); the CAS protocol (3.0, §3.1.1) recommends that a service ticket be
 * valid for no longer than five minutes, and Apereo CAS's own default is 10 s
 * (`cas.ticket.st.time-to-kill-in-seconds=PT10S`). The simulator takes the recommended
 * upper bound, so a test can expire a ticket by moving the clock; apps must post a ticket
 * at once, since Garmin's may live only seconds.
 */
export const SERVICE_TICKET_TTL_SECONDS = 300;
export const DEFAULT_REFRESH_TTL_SECONDS = 2_591_999;
const MAX_ENTRIES = 200_000;

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token_expires_in: number;
  scope: string;
  jti: string;
}

export type Grant = { ok: true; tokens: TokenPair } | { ok: false; error: string; description: string };

export type Authentication = { ok: true; account: Account } | { ok: false; message: string };

interface Ticket {
  account: Account;
  /** The service the sign-in named: a ticket validates only for it. */
  serviceUrl: string;
  expiresAtMs: number;
  used: boolean;
}

export interface TokenLifetimes {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

interface AccessToken {
  account: Account;
  expiresAtMs: number;
  /** The account's revocation generation at issue time; a revoke bumps the account's. */
  generation: number;
}

interface RefreshToken extends AccessToken {
  clientId: string;
  used: boolean;
}

const JwtPayload = z.object({ jti: z.string(), garmin_guid: z.string() });

const SCOPE = 'CONNECT_READ CONNECT_WRITE';

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export class TokenAuthority {
  private readonly secret = randomBytes(32);
  private readonly tickets = new Map<string, Ticket>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly generations = new Map<string, number>();
  private readonly lifetimes = new Map<string, TokenLifetimes>();
  private readonly failingExchange = new Set<string>();
  private ticketCount = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly accounts: AccountRegistry,
  ) {}

  issueTicket(account: Account, serviceUrl: string): string {
    this.ticketCount += 1;
    const ticket = `ST-${String(this.ticketCount).padStart(7, '0')}-${randomBytes(15).toString('base64url')}-cas`;
    const expiresAtMs = this.clock.now() + SERVICE_TICKET_TTL_SECONDS * 1000;
    setBounded(this.tickets, ticket, { account, serviceUrl, expiresAtMs, used: false }, MAX_ENTRIES);
    return ticket;
  }

  ticketOwner(ticket: string): string | undefined {
    return this.tickets.get(ticket)?.account.email;
  }

  refreshOwner(refreshToken: string): string | undefined {
    return this.refreshTokens.get(refreshToken)?.account.email;
  }

  /** Owner of a correctly signed access token, live or not (for counting and faults). */
  bearerOwner(token: string): string | undefined {
    const payload = this.verifySignature(token);
    return payload ? this.accounts.findByGuid(payload.garmin_guid)?.email : undefined;
  }

  /**
   * A ticket validates once, before it expires, for the service it was issued for. As the
   * CAS protocol has it, a validation attempt spends the ticket whether or not it succeeds
   * (an expired or foreign one included), so a refused ticket can never be tried again.
   */
  exchangeTicket(ticket: string, clientId: string, serviceUrl: string): Grant {
    const entry = this.tickets.get(ticket);
    if (!entry || entry.used) return { ok: false, error: 'invalid_grant', description: 'Unknown or already used service ticket' };
    // A failed exchange leaves the ticket unused: the library then spends it on JWT_WEB.
    if (this.failingExchange.has(entry.account.email)) return { ok: false, error: 'invalid_grant', description: 'Service ticket could not be exchanged' };
    entry.used = true;
    if (this.clock.now() >= entry.expiresAtMs) return { ok: false, error: 'invalid_grant', description: 'Service ticket expired' };
    if (serviceUrl !== entry.serviceUrl) return { ok: false, error: 'invalid_grant', description: 'Service ticket was not issued for this service' };
    return { ok: true, tokens: this.issue(entry.account, clientId) };
  }

  /** The JWT_WEB cookie value a service ticket buys at a service URL; undefined for a bad ticket. */
  webSession(ticket: string): string | undefined {
    const entry = this.tickets.get(ticket);
    if (!entry || entry.used) return undefined;
    entry.used = true;
    if (this.clock.now() >= entry.expiresAtMs) return undefined;
    return this.issueAccess(entry.account, 'CONNECT_WEB').token;
  }

  rotate(refreshToken: string, clientId: string): Grant {
    const entry = this.refreshTokens.get(refreshToken);
    if (entry && !entry.used && entry.generation === this.generation(entry.account.email) && this.clock.now() >= entry.expiresAtMs) {
      return { ok: false, error: 'invalid_grant', description: 'Refresh token expired' };
    }
    if (!entry || entry.used || !this.live(entry)) return { ok: false, error: 'invalid_grant', description: 'Invalid refresh token' };
    if (entry.clientId !== clientId) return { ok: false, error: 'invalid_grant', description: 'Refresh token was issued to another client' };
    entry.used = true;
    return { ok: true, tokens: this.issue(entry.account, clientId) };
  }

  authenticate(token: string | undefined): Authentication {
    if (!token) return { ok: false, message: 'Missing bearer token' };
    const payload = this.verifySignature(token);
    if (!payload) return { ok: false, message: 'Invalid token' };
    const entry = this.accessTokens.get(payload.jti);
    if (!entry || !this.live(entry)) return { ok: false, message: 'Token is not active' };
    return { ok: true, account: entry.account };
  }

  lifetimesOf(account: Account): TokenLifetimes {
    return this.lifetimes.get(account.email) ?? { accessTtlSeconds: DEFAULT_ACCESS_TTL_SECONDS, refreshTtlSeconds: DEFAULT_REFRESH_TTL_SECONDS };
  }

  /** Applies to tokens issued from now on. */
  setLifetimes(account: Account, change: Partial<TokenLifetimes>): TokenLifetimes {
    const next = { ...this.lifetimesOf(account), ...change };
    this.lifetimes.set(account.email, next);
    return next;
  }

  setExchangeFailure(account: Account, fail: boolean): void {
    if (fail) this.failingExchange.add(account.email);
    else this.failingExchange.delete(account.email);
  }

  exchangeFails(account: Account): boolean {
    return this.failingExchange.has(account.email);
  }

  /** Every token issued to the account so far stops working; later logins work again. */
  revoke(account: Account): void {
    this.generations.set(account.email, this.generation(account.email) + 1);
  }

  reset(): void {
    this.tickets.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.generations.clear();
    this.lifetimes.clear();
    this.failingExchange.clear();
  }

  private generation(email: string): number {
    return this.generations.get(email) ?? 0;
  }

  private live(entry: AccessToken): boolean {
    return entry.generation === this.generation(entry.account.email) && this.clock.now() < entry.expiresAtMs;
  }

  private issueAccess(account: Account, clientId: string): { token: string; jti: string; ttl: number } {
    const ttl = this.lifetimesOf(account).accessTtlSeconds;
    const jti = randomUUID();
    const iat = Math.floor(Date.now() / 1000);
    const token = this.sign({
      scope: SCOPE.split(' '),
      iss: 'https://diauth.garmin.com',
      client_type: 'UNDEFINED',
      client_id: clientId,
      garmin_guid: account.garminGuid,
      iat,
      exp: iat + ttl,
      jti,
    });
    const entry = { account, expiresAtMs: this.clock.now() + ttl * 1000, generation: this.generation(account.email) };
    setBounded(this.accessTokens, jti, entry, MAX_ENTRIES);
    return { token, jti, ttl };
  }

  private issue(account: Account, clientId: string): TokenPair {
    const access = this.issueAccess(account, clientId);
    const refreshTtl = this.lifetimesOf(account).refreshTtlSeconds;
    const refreshToken = randomBytes(32).toString('base64url');
    setBounded(
      this.refreshTokens,
      refreshToken,
      { account, clientId, expiresAtMs: this.clock.now() + refreshTtl * 1000, generation: this.generation(account.email), used: false },
      MAX_ENTRIES,
    );
    return {
      access_token: access.token,
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: access.ttl,
      refresh_token_expires_in: refreshTtl,
      scope: SCOPE,
      jti: access.jti,
    };
  }

  private sign(payload: Record<string, unknown>): string {
    const unsigned = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
    return `${unsigned}.${createHmac('sha256', this.secret).update(unsigned).digest('base64url')}`;
  }

  private verifySignature(token: string): z.infer<typeof JwtPayload> | undefined {
    const [header, body, signature, ...rest] = token.split('.');
    if (!header || !body || !signature || rest.length > 0) return undefined;
    const expected = createHmac('sha256', this.secret).update(`${header}.${body}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const parsed = JwtPayload.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
