/**
 * GET /demo/token mints a token for any user: the local server hands it out only to callers
 * on this machine that address it as such (issue 10: `npm run dev` on a non-loopback host
 * must not let the network take tokens).
 */
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, isLoopbackCaller, startLocalServer } from '../../../scripts/local/server';
import { type DemoHarness, startDemoHarness } from './harness';

/** A GET with exactly these headers (fetch would not let a test set Host). */
const get = (url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });

/** This machine's first non-loopback IPv4 address, if it has one. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;

describe('GET /demo/token only for loopback callers', () => {
  let h: DemoHarness;
  let open: LocalServer | undefined;

  beforeAll(async () => {
    h = await startDemoHarness({ eventSources: false });
  });
  afterAll(async () => {
    await open?.close();
    await h?.stop();
  });

  it('mints a token for a caller on 127.0.0.1 or localhost', async () => {
    const { port } = h.server;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost']) {
      const answer = await get(`${h.url}/demo/token?user=alice`, { host });
      expect(answer.status, host).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ userId: 'alice', token: expect.any(String) });
    }
  });

  it('refuses with 403 a loopback request naming another host (DNS rebinding) or forwarded by a proxy', async () => {
    const cases: Record<string, string>[] = [
      { host: 'attacker.example' },
      { host: `attacker.example:${h.server.port}` },
      { host: '127.0.0.1.nip.io' },
      { host: `127.0.0.1:${h.server.port}`, 'x-forwarded-for': '203.0.113.9' },
      { host: `127.0.0.1:${h.server.port}`, forwarded: 'for=203.0.113.9' },
      { host: `127.0.0.1:${h.server.port}`, 'x-real-ip': '203.0.113.9' },
    ];
    for (const headers of cases) {
      const answer = await get(`${h.url}/demo/token?user=alice`, headers);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect(answer.body).not.toMatch(/eyJ/);
    }
  });

  it.skipIf(lanAddress === undefined)('refuses with 403 a caller from the network when the server listens on every address (npm run dev -- --host 0.0.0.0)', async () => {
    open = await startLocalServer({ runtime: h.runtime, auth: h.auth, host: '0.0.0.0', port: 0, demoTokens: { defaultUser: 'demo-user' } });
    const fromNetwork = await get(`http://${lanAddress}:${open.port}/demo/token`, { host: `${lanAddress}:${open.port}` });
    expect(fromNetwork.status).toBe(403);
    // Even naming localhost: the peer address is not loopback.
    const spoofed = await get(`http://${lanAddress}:${open.port}/demo/token`, { host: 'localhost' });
    expect(spoofed.status).toBe(403);
    const local = await get(`http://127.0.0.1:${open.port}/demo/token`, { host: `127.0.0.1:${open.port}` });
    expect(local.status).toBe(200);
  });

  it('decides on the peer address, the Host and the forwarding headers', () => {
    expect(isLoopbackCaller('127.0.0.1', { host: '127.0.0.1:3000' })).toBe(true);
    expect(isLoopbackCaller('::ffff:127.0.0.1', { host: 'localhost:3000' })).toBe(true);
    expect(isLoopbackCaller('::1', { host: '[::1]:3000' })).toBe(true);
    expect(isLoopbackCaller('127.0.0.2', { host: '127.0.0.2' })).toBe(true);
    expect(isLoopbackCaller('192.0.2.2', { host: 'localhost' })).toBe(false);
    expect(isLoopbackCaller('::ffff:10.0.0.1', { host: 'localhost' })).toBe(false);
    expect(isLoopbackCaller(undefined, { host: 'localhost' })).toBe(false);
    expect(isLoopbackCaller('127.0.0.1', {})).toBe(false);
    expect(isLoopbackCaller('127.0.0.1', { host: '127.0.0.1.evil.example' })).toBe(false);
    expect(isLoopbackCaller('127.0.0.1', { host: 'localhost', 'x-forwarded-for': '127.0.0.1' })).toBe(false);
  });
});
