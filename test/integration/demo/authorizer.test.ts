/** The local server's JWT authorizer behaves like API Gateway's HTTP API JWT authorizer. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type JWK, SignJWT, decodeJwt, generateKeyPair, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, createLocalAuth } from '../../../scripts/local/auth';
import { REPO_ROOT } from '../../../scripts/local/paths';
import { type DemoHarness, startDemoHarness } from './harness';

const execFileAsync = promisify(execFile);

let h: DemoHarness;
beforeAll(async () => {
  h = await startDemoHarness({ eventSources: false });
});
afterAll(async () => h?.stop());

const UNAUTHORIZED = { message: 'Unauthorized' };
const now = () => Math.floor(Date.now() / 1000);

describe('the local JWT authorizer', () => {
  it('refuses a request without a token with 401 {"message":"Unauthorized"} on every route', async () => {
    const routes: Array<[string, string, Record<string, string>?]> = [
      ['POST', '/garmin/connection'],
      ['GET', '/garmin/connection'],
      ['DELETE', '/garmin/connection'],
      ['GET', '/garmin/connection/attempts/{attemptId}', { attemptId: '6f1c1f9e-1d6b-4f57-9a51-0d5e1f1d2c3b' }],
      ['POST', '/garmin/connection/attempts/{attemptId}/mfa', { attemptId: '6f1c1f9e-1d6b-4f57-9a51-0d5e1f1d2c3b' }],
      ['POST', '/garmin/sync'],
      ['GET', '/garmin/activities'],
      ['GET', '/garmin/daily-summaries'],
      ['GET', '/garmin/profile'],
    ];
    for (const [method, template, pathParams] of routes) {
      const answer = await h.call(method, template, pathParams ? { path: pathParams } : {});
      expect(answer.status, `${method} ${template}`).toBe(401);
      expect(answer.body).toEqual(UNAUTHORIZED);
      expect(answer.text).toBe('{"message":"Unauthorized"}');
    }
  });

  it('refuses garbage, a foreign signature, an expired token, a wrong audience or issuer, no exp, a future nbf, no kid', async () => {
    const user = h.newUser();
    const foreign = await (async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const kid = (h.auth.jwks.keys[0]?.kid as string) ?? 'x';
      return new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid }).setSubject(user).setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE).setIssuedAt().setExpirationTime('1h').sign(privateKey);
    })();
    const ourKey = await importJWK(JSON.parse(readFileSync(h.auth.keyFile, 'utf8')) as JWK, 'RS256');
    const noKid = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject(user).setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE).setIssuedAt().setExpirationTime('1h').sign(ourKey);
    const otherDir = mkdtempSync(path.join(tmpdir(), 'other-auth-'));
    const otherIssuerKey = await createLocalAuth({ dir: otherDir });
    const cases: Record<string, string> = {
      garbage: 'Bearer garbage',
      'not base64': 'Bearer a.b.c',
      'foreign signature with our kid': `Bearer ${foreign}`,
      'another local key': `Bearer ${await otherIssuerKey.issue(user)}`,
      expired: `Bearer ${await h.auth.issue(user, { issuedAt: now() - 7200, expiresAt: now() - 60 })}`,
      'wrong audience': `Bearer ${await h.auth.issue(user, { audience: 'someone-else' })}`,
      'no audience and no client_id': `Bearer ${await h.auth.issue(user, { audience: null })}`,
      'wrong issuer': `Bearer ${await h.auth.issue(user, { issuer: 'https://evil.example' })}`,
      'no exp': `Bearer ${await h.auth.issue(user, { expiresAt: null })}`,
      'nbf in the future': `Bearer ${await h.auth.issue(user, { notBefore: now() + 3600 })}`,
      'iat in the future': `Bearer ${await h.auth.issue(user, { issuedAt: now() + 3600, expiresAt: now() + 7200 })}`,
      'our key but no kid': `Bearer ${noKid}`,
      'unsigned (alg none)': `Bearer ${Buffer.from('{"alg":"none","kid":"x"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: user, iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, exp: now() + 60 })).toString('base64url')}.`,
    };
    rmSync(otherDir, { recursive: true, force: true });
    for (const [name, authorization] of Object.entries(cases)) {
      const answer = await h.call('GET', '/garmin/connection', { authorization });
      expect(answer.status, name).toBe(401);
      expect(answer.body, name).toEqual(UNAUTHORIZED);
      expect(answer.headers.get('www-authenticate'), name).toMatch(/^Bearer .*error="invalid_token"/);
    }
  });

  it('accepts a valid token with or without "Bearer", and client_id when there is no aud', async () => {
    const user = h.newUser();
    const token = await h.tokenFor(user);
    // 404 NOT_CONNECTED comes from the handler: the authorizer let the request through.
    for (const authorization of [`Bearer ${token}`, token, `bearer ${token}`]) {
      const answer = await h.call('GET', '/garmin/connection', { authorization });
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ error: { code: 'NOT_CONNECTED' } });
    }
    const cognitoStyle = await h.auth.issue(user, { audience: null, claims: { client_id: LOCAL_AUDIENCE, scope: 'openid profile' } });
    expect((await h.call('GET', '/garmin/connection', { token: cognitoStyle })).status).toBe(404);
  });

  it('a verified token without sub reaches the handler, which refuses it (401 UNAUTHORIZED)', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: h.auth.jwks.keys[0]?.kid as string })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(await importJWK(JSON.parse(readFileSync(h.auth.keyFile, 'utf8')) as JWK, 'RS256'));
    const answer = await h.call('GET', '/garmin/profile', { token });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('routes like API Gateway: unknown paths and methods are 404 {"message":"Not Found"} before any authorization', async () => {
    for (const [method, pathname] of [
      ['GET', '/garmin/nothing'],
      ['PUT', '/garmin/connection'],
      ['GET', '/garmin/connection/'],
      ['GET', '/garmin/connection/attempts/a/b'],
    ] as const) {
      const answer = await h.fetchRaw(pathname, { method });
      expect(answer.status, `${method} ${pathname}`).toBe(404);
      expect(answer.body).toEqual({ message: 'Not Found' });
    }
  });

  it('answers a malformed attempt id in the path with 400 from the handler, after authorization', async () => {
    const token = await h.tokenFor(h.newUser());
    const answer = await h.call('GET', '/garmin/connection/attempts/{attemptId}', { token, path: { attemptId: 'not-a-uuid' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'VALIDATION_ERROR' } });
  });

  it('accepts what `npm run -s token -- <userId>` prints (the key is shared through the key folder)', async () => {
    const user = h.newUser();
    const { stdout } = await execFileAsync('npm', ['run', '-s', 'token', '--', user], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOCAL_AUTH_DIR: h.authDir },
    });
    const token = stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const answer = await h.call('GET', '/garmin/connection', { token });
    expect(answer.status).toBe(404); // through the authorizer: NOT_CONNECTED is the handler's
    expect(decodeJwt(token)).toMatchObject({ sub: user, iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE });
  });

  it('serves the public key set, and only the public part', async () => {
    const jwks = await h.fetchRaw('/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.body).toEqual({ keys: [expect.objectContaining({ kty: 'RSA', alg: 'RS256', kid: expect.any(String) })] });
    expect(JSON.stringify(jwks.body)).not.toMatch(/"(d|p|q|dp|dq|qi)":/);
  });
});
