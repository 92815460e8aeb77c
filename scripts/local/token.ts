/**
 * `npm run -s token -- <userId> [--ttl <seconds>]`: prints a bearer token for that user,
 * signed with the shared local key (scripts/local/auth.ts), so a running demo or dev
 * server accepts it. Only the token goes to stdout, for `TOKEN=$(npm run -s token -- me)`.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_TOKEN_TTL_SECONDS, createLocalAuth } from './auth';

const usage = 'usage: npm run -s token -- <userId> [--ttl <seconds>]';

const { values, positionals } = (() => {
  try {
    return parseArgs({ allowPositionals: true, options: { ttl: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    process.exit(2);
  }
})();

const [userId] = positionals;
if (values.help || !userId || positionals.length > 1) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}
const ttl = values.ttl === undefined ? DEFAULT_TOKEN_TTL_SECONDS : Number(values.ttl);
if (!Number.isInteger(ttl) || ttl < 1) {
  console.error(`--ttl must be a positive whole number of seconds\n${usage}`);
  process.exit(2);
}

const auth = await createLocalAuth();
process.stdout.write(`${await auth.issue(userId, { ttlSeconds: ttl })}\n`);
