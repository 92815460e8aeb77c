/**
 * Entry of `npm run bench` (and of `npm run bench -- --users N`, the end-to-end run alone). Quiet handlers before anything loads (Powertools reads its
 * environment when the logger is built), then the benchmark itself.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_DEV ??= 'false';

// `npm run bench -- --users 10000`: only the end-to-end run at that scale (scripts/bench/e2e.ts).
await (process.argv.includes('--users') ? import('./e2e') : import('./bench'));
export {};
