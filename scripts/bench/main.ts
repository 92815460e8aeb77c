/**
 * Entry of `npm run bench`. Quiet handlers before anything loads (Powertools reads its
 * environment when the logger is built), then the benchmark itself.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_DEV ??= 'false';

await import('./bench');
export {};
