/**
 * The zod every module of functions/ imports: zod/mini, whose schemas are plain functions
 * (`z.optional(x)`, `x.check(z.maxLength(n))`) that a bundle keeps only when used, ~70 KB
 * lighter than classic zod, whose every schema carries every method (and which, imported
 * anywhere beside it, brings all of that back: eslint.config.js refuses `zod` elsewhere).
 *
 * zod/mini loads no messages of its own ("Invalid input" for everything): the API's 400s
 * name the rule broken, so the English ones are set here, once, for every parse. That is a
 * side effect the bundler must keep, so package.json's `sideEffects` names this file.
 */
// eslint-disable-next-line no-restricted-imports -- the one import of zod
import { config } from 'zod/mini';
// eslint-disable-next-line no-restricted-imports -- the one import of zod
import { en } from 'zod/locales';

config(en());

// eslint-disable-next-line no-restricted-imports -- the one import of zod
export * from 'zod/mini';
