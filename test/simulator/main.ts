/**
 * CLI: `tsx test/simulator/main.ts [--port N] [--host H] [--user-host H|none]`. Prints one
 * JSON line {"event":"listening","url":...,"userUrl":...,"port":...} on stdout when ready
 * (`userUrl`: the user's-network address, server.ts); stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startSimulator } from './server';

function fail(message: string): never {
  process.stderr.write(`${JSON.stringify({ level: 'error', event: 'startup_failed', message })}\n`);
  process.exit(2);
}

let options: { port: string; host: string; 'user-host'?: string };
try {
  options = parseArgs({
    options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' }, 'user-host': { type: 'string' } },
    strict: true,
  }).values;
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}

const port = Number(options.port);
if (!/^\d+$/.test(options.port) || port > 65_535) fail(`--port must be 0-65535, got ${options.port}`);

const userHost = options['user-host'];
const simulator = await startSimulator({ port, host: options.host, ...(userHost ? { userHost: userHost === 'none' ? null : userHost } : {}) }).catch((err: unknown) =>
  fail(err instanceof Error ? err.message : String(err)),
);
process.stdout.write(`${JSON.stringify({ event: 'listening', url: simulator.url, userUrl: simulator.userUrl ?? null, port: simulator.port })}\n`);

const stop = (): void => {
  simulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
