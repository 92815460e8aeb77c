import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          // The device sign-in package's tests sign in against the simulator and connect through the API.
          include: ['test/integration/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
          environment: 'node',
          // Starts DynamoDB Local, moto and the Garmin simulator once per run.
          globalSetup: ['test/integration/global-setup.ts'],
          // The files share one set of emulators: run them one after the other.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // The demo page in Debian's chromium (installed by scripts/setup.sh), on its own emulators.
          globalSetup: ['test/integration/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
    ],
  },
});
