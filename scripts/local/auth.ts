/**
 * Local stand-in for the identity provider and API Gateway's HTTP API JWT authorizer.
 *
 * Key sharing: one RS256 key pair (RSA, like the only algorithms API Gateway accepts) is
 * kept as a private JWK in `.data/local-auth/jwt-signing-key.json` (mode 0600; `.data/` is
 * git-ignored; LOCAL_AUTH_DIR moves it). Whoever needs it first creates it, atomically
 * (write a temp file, then link(2), which fails if another process got there first), and
 * everybody else reads it. So `npm run -s token -- <user>` in one terminal signs tokens
 * that a running `npm run demo` in another accepts, and tokens survive restarts.
 *
 * Verification follows the authorizer's workflow (AWS docs, "Controlling access to HTTP
 * APIs with JWT authorizers"): the identity source (Authorization header) holds the token,
 * with or without "Bearer "; the header must carry a `kid` of the issuer's key set and an
 * RSA algorithm; `iss` must equal the issuer; `aud` must match one audience (or, only when
 * there is no `aud`, `client_id` must); `exp` is required and must be in the future, `nbf`
 * and `iat` (when present) in the past. Anything else is a 401 `{"message":"Unauthorized"}`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync, linkSync } from 'node:fs';
import path from 'node:path';
import {
  type JWK,
  type JWTPayload,
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import { REPO_ROOT } from './paths';

/** The issuer and audience the local authorizer is configured with (constants: no port in them). */
export const LOCAL_ISSUER = 'https://local-issuer.garmin-sync.invalid';
export const LOCAL_AUDIENCE = 'garmin-sync-local';
export const DEFAULT_TOKEN_TTL_SECONDS = 12 * 3600;
const ALG = 'RS256';
const KEY_FILE = 'jwt-signing-key.json';

export const defaultAuthDir = (): string => process.env.LOCAL_AUTH_DIR ?? path.join(REPO_ROOT, '.data', 'local-auth');

export interface LocalAuthOptions {
  /** Folder of the signing key (default: .data/local-auth, or LOCAL_AUTH_DIR). */
  dir?: string;
  issuer?: string;
  audience?: string[];
  /** Seconds since the epoch; tests move it. */
  nowSeconds?: () => number;
}

export type AuthResult =
  | { ok: true; claims: Record<string, string>; scopes: string[] | null }
  | { ok: false; reason: string };

export interface TokenOptions {
  ttlSeconds?: number;
  audience?: string | string[] | null;
  issuer?: string;
  /** Extra claims (e.g. client_id, scope). */
  claims?: JWTPayload;
  /** Override the timestamps (tests: expired or not-yet-valid tokens). */
  issuedAt?: number;
  expiresAt?: number | null;
  notBefore?: number;
}

export interface LocalAuth {
  readonly issuer: string;
  readonly audience: string[];
  readonly keyFile: string;
  /** The public key set (what the issuer's jwks_uri would serve). */
  readonly jwks: { keys: JWK[] };
  issue(sub: string, options?: TokenOptions): Promise<string>;
  /** Checks an Authorization header value like the HTTP API JWT authorizer. */
  verify(authorization: string | undefined): Promise<AuthResult>;
}

const readJwk = (file: string): JWK => JSON.parse(readFileSync(file, 'utf8')) as JWK;

/** Reads the shared private JWK, creating it once (atomically) if nobody has yet. */
const loadOrCreateKey = async (dir: string): Promise<{ file: string; jwk: JWK }> => {
  const file = path.join(dir, KEY_FILE);
  try {
    return { file, jwk: readJwk(file) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read the local signing key ${file}: ${String(error)}`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = await generateKeyPair(ALG, { extractable: true, modulusLength: 2048 });
  const jwk = { ...(await exportJWK(privateKey)), kid: `local-${randomUUID().slice(0, 8)}`, alg: ALG, use: 'sig' };
  const temp = path.join(dir, `.${KEY_FILE}.${process.pid}.${randomUUID()}`);
  writeFileSync(temp, `${JSON.stringify(jwk)}\n`, { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process created it between our read and our link: theirs wins.
  } finally {
    rmSync(temp, { force: true });
  }
  return { file, jwk: readJwk(file) };
};

const publicPart = (jwk: JWK): JWK => ({ kty: jwk.kty, n: jwk.n, e: jwk.e, kid: jwk.kid, alg: jwk.alg, use: 'sig' });

/** API Gateway hands claims to the function as strings (arrays as "[a b]"). */
const claimString = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' ')}]`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
};

/** What the authorizer is configured with. */
interface AuthorizerConfig {
  issuer: string;
  audience: string[];
  now: () => number;
}

const tokenIssuer =
  (config: AuthorizerConfig, jwk: JWK, privateKey: Awaited<ReturnType<typeof importJWK>>) =>
  async (sub: string, opts: TokenOptions = {}): Promise<string> => {
    const iat = opts.issuedAt ?? config.now();
    const builder = new SignJWT({ ...opts.claims, token_use: 'access' })
      .setProtectedHeader({ alg: ALG, kid: jwk.kid ?? '', typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(opts.issuer ?? config.issuer)
      .setIssuedAt(iat)
      .setJti(randomUUID());
    const aud = opts.audience === undefined ? config.audience[0] : opts.audience;
    if (aud !== null && aud !== undefined) builder.setAudience(aud);
    const exp = opts.expiresAt === undefined ? iat + (opts.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS) : opts.expiresAt;
    if (exp !== null) builder.setExpirationTime(exp);
    if (opts.notBefore !== undefined) builder.setNotBefore(opts.notBefore);
    return builder.sign(privateKey);
  };

/** Why the token's header fails the authorizer (no `kid`, not an RSA algorithm), if it does. */
const headerFault = (token: string): string | undefined => {
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return 'the token is not a JWT';
  }
  if (typeof header.kid !== 'string') return 'the token has no kid';
  if (typeof header.alg !== 'string' || !/^(RS|PS)(256|384|512)$/.test(header.alg)) return 'the token is not signed with an RSA algorithm';
  return undefined;
};

/** The payload of a token signed by the key set, from the issuer, with an `exp` still ahead. */
const signedPayload = async (
  token: string,
  keySet: ReturnType<typeof createLocalJWKSet>,
  config: AuthorizerConfig,
): Promise<{ payload: JWTPayload } | { reason: string }> => {
  try {
    const { payload } = await jwtVerify(token, keySet, { issuer: config.issuer, requiredClaims: ['exp'], currentDate: new Date(config.now() * 1000) });
    return { payload };
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code === 'ERR_JWT_EXPIRED') return { reason: 'the token has expired' };
    if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return { reason: `invalid claim: ${(error as { claim?: string }).claim ?? '?'}` };
    return { reason: 'the token signature is invalid' };
  }
};

const tokenVerifier =
  (config: AuthorizerConfig, keySet: ReturnType<typeof createLocalJWKSet>) =>
  async (authorization: string | undefined): Promise<AuthResult> => {
    if (!authorization?.trim()) return { ok: false, reason: 'no token' };
    const token = authorization.trim().replace(/^Bearer\s+/i, '');
    const fault = headerFault(token);
    if (fault !== undefined) return { ok: false, reason: fault };
    const verified = await signedPayload(token, keySet, config);
    if ('reason' in verified) return { ok: false, reason: verified.reason };
    const { payload } = verified;
    // aud when present, otherwise client_id (Cognito access tokens), as API Gateway does.
    const audiences = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    const presented = payload.aud !== undefined ? audiences : typeof payload.client_id === 'string' ? [payload.client_id] : [];
    if (!presented.some((a) => config.audience.includes(a))) return { ok: false, reason: 'the token does not have a valid audience' };
    if (typeof payload.iat === 'number' && payload.iat > config.now()) return { ok: false, reason: 'the token was issued in the future' };
    // A token without `sub` passes the authorizer, as on AWS; the handlers then refuse it (401).
    const claims = Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, claimString(v)]));
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : null;
    return { ok: true, claims, scopes };
  };

export const createLocalAuth = async (options: LocalAuthOptions = {}): Promise<LocalAuth> => {
  const { file, jwk } = await loadOrCreateKey(options.dir ?? defaultAuthDir());
  const config: AuthorizerConfig = {
    issuer: options.issuer ?? LOCAL_ISSUER,
    audience: options.audience ?? [LOCAL_AUDIENCE],
    now: options.nowSeconds ?? (() => Math.floor(Date.now() / 1000)),
  };
  const jwks = { keys: [publicPart(jwk)] };
  return {
    issuer: config.issuer,
    audience: config.audience,
    keyFile: file,
    jwks,
    issue: tokenIssuer(config, jwk, await importJWK(jwk, ALG)),
    verify: tokenVerifier(config, createLocalJWKSet(jwks)),
  };
};
