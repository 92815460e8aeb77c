import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

it('prints one "listening" JSON line, serves, and exits cleanly on SIGTERM', async () => {
  const child = spawn(`${REPO_ROOT}node_modules/.bin/tsx`, ['test/simulator/main.ts', '--port', '0'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const ready = JSON.parse(line) as { event: string; url: string; userUrl: string; port: number };
    expect(ready).toEqual({ event: 'listening', url: `http://127.0.0.1:${ready.port}`, userUrl: `http://127.0.0.2:${ready.port}`, port: expect.any(Number) });
    expect(ready.port).toBeGreaterThan(0);
    expect((await fetch(`${ready.url}/__sim/health`)).status).toBe(200);
    expect((await fetch(`${ready.userUrl}/__sim/health`)).status).toBe(200);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 30_000);
