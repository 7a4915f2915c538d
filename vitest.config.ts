import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // The second reporter names what was skipped for want of the real-hash corpus (a fresh clone has none).
    reporters: ['default', './test/support/real-hashes-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
