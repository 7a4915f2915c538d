import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/** Tests that spawn bin/tarmac.js, which runs dist/: only their project builds it (when stale). */
const SPAWN_THE_CLI = ['test/cli/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/http/e2e-*.test.ts'];
/**
 * Tests that replace a module with vi.mock (the golden test counts node:crypto's UUIDs): in the shared process of the
 * unit project, modules another file loaded first would keep the real one, and the output would depend on file
 * order. They run in a process of their own.
 */
const MOCK_MODULES = ['test/http/wire-golden.test.ts'];

export default defineConfig({
  test: {
    // The second reporter names what was skipped for want of the real-hash corpus (a fresh clone has none).
    reporters: ['default', './test/support/real-hashes-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // vitest's default is one worker fewer than the CPUs: a single worker on a 2-core machine, which then idles
    // while a test waits on a child process, PostgreSQL or a poll. Two files at a time keep both cores busy.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...SPAWN_THE_CLI, ...MOCK_MODULES],
          globalSetup: ['test/support/templates-setup.ts'],
          // One process per worker rather than per file: importing Fastify, Kysely, pg and the rest again for every
          // file cost about as much CPU as the files' own tests. These tests keep no state between files (no
          // mocks — see MOCK_MODULES —, no stubbed globals; each file closes what it opens).
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: MOCK_MODULES, globalSetup: ['test/support/templates-setup.ts'] } },
      { extends: true, test: { name: 'cli', include: SPAWN_THE_CLI, globalSetup: ['test/support/build-dist.ts'] } },
    ],
  },
});
