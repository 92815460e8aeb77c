import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Files matching `files` may not import from the named folders of functions/, nor from scripts/, test/ or infra/. */
const layer = (files, forbidden, message) => ({
  files: [files],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...forbidden.map((folder) => ({ group: [`**/${folder}/**`, `../${folder}/*`, `./${folder}/*`], message })),
          { group: ['**/scripts/**', '**/test/**', '**/infra/**'], message: 'deployed code never imports the local runtime, the tests or the stack' },
        ],
      },
    ],
  },
});

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
  // (handlers/commons/*runtime.ts, compose.ts) wire adapters in; nothing deployed imports
  // the local runtime, the tests or the stack.
  layer('functions/core/**', ['adapters', 'handlers'], 'core holds the rules and talks to ports; adapters implement them'),
  layer('functions/adapters/**', ['handlers'], 'adapters only store and transport; they never call a handler'),
  layer('functions/api/**', ['adapters', 'handlers'], 'the route table is the contract: core schemas and errors only (the stack imports it too)'),
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
  {
    ...layer('functions/handlers/**', ['adapters'], 'handlers reach adapters only through the composition roots (handlers/commons/*runtime.ts, compose.ts)'),
    ignores: ['functions/handlers/commons/compose.ts', 'functions/handlers/commons/runtime.ts', 'functions/handlers/commons/dispatch-runtime.ts', 'functions/handlers/commons/webhook-runtime.ts'],
  },
);
