import { configDefaults, defineConfig } from 'vitest/config';

/** Tests that spawn bin/tarmac.js, which runs dist/: only their project builds it (when stale). */
const SPAWN_THE_CLI = ['test/cli/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/http/e2e-*.test.ts'];

export default defineConfig({
  test: {
    // The second reporter names what was skipped for want of the real-hash corpus (a fresh clone has none).
    reporters: ['default', './test/support/real-hashes-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...SPAWN_THE_CLI], globalSetup: ['test/support/templates-setup.ts'] },
      },
      { extends: true, test: { name: 'cli', include: SPAWN_THE_CLI, globalSetup: ['test/support/build-dist.ts'] } },
    ],
  },
});
