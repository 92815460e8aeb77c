/**
 * Entry of `npm run bench` (and of `npm run bench -- --users N`, the end-to-end run alone). The
 * handlers log and publish metrics as deployed (INFO, EMF on) so that their log bytes are measured;
 * the meter counts those lines and keeps them off the terminal (scripts/bench/log-meter.ts). Both
 * before anything loads: Powertools reads its environment when the logger is built.
 */
import { logMeter } from './log-meter';

process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'false';
process.env.POWERTOOLS_DEV ??= 'false';
logMeter.install();

// `npm run bench -- --users 10000`: only the end-to-end run at that scale (scripts/bench/e2e.ts).
await (process.argv.includes('--users') ? import('./e2e') : import('./bench'));
export {};
