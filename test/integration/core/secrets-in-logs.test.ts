import { beforeAll, describe, expect, it, vi } from 'vitest';
import { PORTAL_SERVICE_URL, signIn } from '../../../packages/garmin-device-signin/src';
import { ATHLETE, harnessForFile, MFA_USER, PASSWORD } from './harness';

// Before any module loads: the functions' loggers and the Python bridge log everything.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  process.env.LOG_LEVEL = 'DEBUG';
});

const h = harnessForFile();
beforeAll(async () => {
  await h.sim.reset();
});

/** Everything written to stdout and stderr while `work` runs. */
const captureOutput = async (work: () => Promise<void>): Promise<string> => {
  const chunks: string[] = [];
  const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const tap = (stream: NodeJS.WriteStream, original: typeof process.stdout.write) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return original(chunk, ...rest);
    }) as typeof stream.write;
  };
  tap(process.stdout, writes.out);
  tap(process.stderr, writes.err);
  try {
    await work();
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
  }
  return chunks.join('');
};

describe('secrets never reach logs', () => {
  it('logs no password, MFA code or token while connecting, syncing and failing', async () => {
    const user = h.newUser();
    const mfaUser = h.newUser();
    const wrongPassword = 'definitely-wrong-password';
    const output = await captureOutput(async () => {
      await h.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: PASSWORD } });
      await h.api('POST /garmin/connection', { userId: h.newUser(), body: { username: ATHLETE, password: wrongPassword } });
      const pending = await h.api('POST /garmin/connection', { userId: mfaUser, body: { username: MFA_USER, password: PASSWORD } });
      const path = { attemptId: String(pending.body.attemptId) };
      await h.api('POST /garmin/connection/attempts/{attemptId}/mfa', { userId: mfaUser, path, body: { code: '654321' } });
      await h.api('POST /garmin/connection/attempts/{attemptId}/mfa', { userId: mfaUser, path, body: { code: '123456' } });
      await h.runtime.drainQueue();
    });
    expect(output).toContain('"level":"DEBUG"');
    const { connections, vault } = h.runtime.services.deps;
    const record = await connections.get(user);
    const blob = await vault.decrypt(user, 'tokens', record?.tokens ?? '');
    const tokens = JSON.parse(blob) as { di_token: string; di_refresh_token: string };
    for (const secret of [PASSWORD, wrongPassword, '654321', tokens.di_token, tokens.di_refresh_token, record?.tokens ?? '']) {
      expect(output).not.toContain(secret);
    }
  });

  it('logs no service ticket while connecting with one, refusing it again, or refusing a malformed request', async () => {
    const signedIn = await signIn({ username: ATHLETE, password: PASSWORD, promptMfa: () => '123456', ssoBaseUrl: `${h.sim.userUrl}/sso` });
    const refused = await signIn({ username: ATHLETE, password: PASSWORD, promptMfa: () => '123456', ssoBaseUrl: `${h.sim.userUrl}/sso` });
    const answers: number[] = [];
    const output = await captureOutput(async () => {
      const connect = async (body: Record<string, unknown>) => answers.push((await h.api('POST /garmin/connection', { userId: h.newUser(), body })).status);
      await connect({ ...signedIn });
      await connect({ ...signedIn });
      await connect({ ticket: refused.ticket, serviceUrl: PORTAL_SERVICE_URL });
      await connect({ ticket: refused.ticket, serviceUrl: 'https://evil.example/app' });
      await h.runtime.drainQueue();
    });
    expect(answers).toEqual([201, 422, 422, 400]);
    expect(output).toContain('"level":"DEBUG"');
    for (const ticket of [signedIn.ticket, refused.ticket]) expect(output).not.toContain(ticket);
  });
});
