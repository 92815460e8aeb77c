import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Imports of any module inside the named folders (however deep, by a relative path or not). */
const folders = (names, message) => ({ group: names.map((folder) => `**/${folder}/**`), message });

const DEPLOYED = { group: ['**/scripts/**', '**/test/**', '**/infra/**'], message: 'deployed code never imports the local runtime, the tests or the stack' };

/** One zod in every bundle: classic beside zod/mini brings ~100 KB back (functions/core/shared/zod.ts). */
const ZOD = { regex: '^zod(/|$)', message: 'import zod from functions/core/shared/zod (zod/mini with English messages)' };

/**
 * Files matching `files` may import none of `patterns`, nor scripts/, test/ or infra/, nor zod but through core/shared/zod. One
 * entry per group of files, each with every restriction of its own: a later flat-config entry
 * that sets the same rule replaces the options of an earlier one, it does not add to them.
 */
const layer = (files, patterns, ignores = []) => ({
  files: [files],
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns: [...patterns, DEPLOYED, ZOD] }] },
});

const CORE = folders(['adapters', 'handlers'], 'core holds the rules and talks to ports; adapters implement them');
/** core/services.ts builds every feature's service: only the composition roots use it. */
const SERVICES_INDEX = { group: ['**/services'], message: 'a feature never imports the services index (core/services.ts); import the module it needs' };
/** The sync function's own services: reads and writes share sync's pure rules (finality, wellness days, guard), never its runs. */
const SYNC_SERVICES = {
  group: ['**/sync/sync-service', '**/sync/dispatch-service', '**/sync/wellness-sync'],
  message: 'read and write never import the sync or dispatch service',
};
/** What a feature may not import: the features after it in the order shared → events → connect → sync → read → write. */
const later = (feature, names) => folders(names, `${feature} sits below ${names.join(', ')} (shared → events → connect → sync → read → write): import only from the folders before it`);

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.cache/', '.venv/', 'python-layer/', 'coverage/', 'bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // Dependencies point one way: handlers → core ← adapters; only the composition roots
  // (handlers/commons/compose.ts, runtime.ts) wire adapters in; nothing deployed imports
  // the local runtime, the tests or the stack. Inside core: shared → events → connect → sync
  // → read → write, each folder importing only from those before it (README, "Where things live").
  layer('functions/core/**', [CORE]),
  layer('functions/core/shared/**', [
    CORE,
    // The ports name the event type: the events' schema is the one module of a feature the shared part may use.
    { group: ['**/events/**', '!**/events/schema'], message: 'shared is used by every feature and imports none (the events\' schema aside)' },
    folders(['connect', 'sync', 'read', 'write'], 'shared is used by every feature and imports none (the events\' schema aside)'),
    SERVICES_INDEX,
  ]),
  layer('functions/core/events/**', [CORE, later('events', ['connect', 'sync', 'read', 'write']), SERVICES_INDEX]),
  layer('functions/core/connect/**', [CORE, later('connect', ['sync', 'read', 'write']), SERVICES_INDEX]),
  layer('functions/core/sync/**', [CORE, later('sync', ['read', 'write']), SERVICES_INDEX]),
  layer('functions/core/read/**', [CORE, later('read', ['write']), SYNC_SERVICES, SERVICES_INDEX]),
  layer('functions/core/write/**', [CORE, SYNC_SERVICES, SERVICES_INDEX]),
  layer('functions/adapters/**', [
    folders(['handlers'], 'adapters only store and transport; they never call a handler'),
    ({ group: ['connect', 'sync', 'read', 'write'].map((f) => `**/core/${f}/**`), message: 'adapters implement the ports (core/shared) and know no feature\'s rules' }),
    SERVICES_INDEX,
  ]),
  layer('functions/api/**', [folders(['adapters', 'handlers'], 'the route table is the contract: core schemas and errors only (the stack imports it too)')]),
  // The device sign-in package runs in apps (browsers, webviews, React Native): nothing of the
  // backend, and no Node-only module.
  {
    files: ['packages/*/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/functions/**', '**/scripts/**', '**/test/**', '**/infra/**'], message: 'the package has no dependency on the backend' },
            { group: ['node:*'], message: 'the package runs outside Node too: standard web APIs only' },
          ],
        },
      ],
    },
  },
  layer(
    'functions/handlers/**',
    [folders(['adapters'], 'handlers reach adapters only through the composition roots (handlers/commons/compose.ts, runtime.ts)')],
    ['functions/handlers/commons/compose.ts', 'functions/handlers/commons/runtime.ts'],
  ),
);
