import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests (in-memory adapters, pure functions) and integration tests that
// run against the real Pub/Sub and Firestore emulators, which the global setup starts and stops.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**'],
          globalSetup: ['shared/testing/emulators-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
