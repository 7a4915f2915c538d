import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Tests that spawn bin/tarmac.js, which runs dist/: only their project builds it (when stale). */
const SPAWN_THE_CLI = ['test/cli/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/http/e2e-*.test.ts'];
/**
 * Tests that replace a module with vi.mock (the golden test counts node:crypto's UUIDs): in the shared process of the
 * unit project, modules another file loaded first would keep the real one, and the output would depend on file
 * order. They run in a process of their own.
 */
const MOCK_MODULES = ['test/http/wire-golden.test.ts'];

/**
 * Files left out of this run: TARMAC_TEST_EXCLUDE, comma-separated globs (.ci/run's Node 24 pass). vitest's own
 * --exclude does not reach a project that sets its own exclude list, as 'unit' does.
 */
const EXCLUDED = (process.env.TARMAC_TEST_EXCLUDE ?? '').split(',').filter((glob) => glob !== '');

/**
 * Files whose size (what vitest orders by when it has no timings, as on a clean clone) badly understates their
 * running time: they run a battery defined elsewhere. Started last, the PostgreSQL battery (~50 s) ran alone at the
 * end of the run while the other worker idled.
 */
const LONG_FOR_THEIR_SIZE = ['test/store/postgres.test.ts', 'test/store/sqlite.test.ts'];

/**
 * vitest's order (projects one after another, each file by its last duration, or by size without one), except that
 * the files above start first when this machine has no timings for them: the longest files first keeps both workers
 * busy to the end.
 */
class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const hoisted = (spec: TestSpecification): boolean => {
      const key = relative(spec.project.config.root, spec.moduleId);
      return LONG_FOR_THEIR_SIZE.includes(key) && !this.ctx.cache.getFileTestResults(`${spec.project.name}:${key}`);
    };
    return [...sorted.filter(hoisted), ...sorted.filter((spec) => !hoisted(spec))];
  }
}

export default defineConfig({
  test: {
    // The second reporter names what was skipped for want of the real-hash corpus (a fresh clone has none).
    reporters: ['default', './test/support/real-hashes-reporter.ts'],
    sequence: { sequencer: LongFirstSequencer },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One file more than the CPUs. vitest's default is one worker fewer: a single worker on a 2-core machine, which
    // idles while a test waits on a child process, PostgreSQL, Chromium or a poll. The browser tests alone keep a
    // core busy only ~40 % of their time (two of them side by side: 36 s of CPU in 42 s on 2 cores), so with two
    // workers both cores were still idle part of the run. Whole suite on 2 cores, 2026-12-06: 541 s with two
    // workers, 488 s with three (~93 % of both cores busy, vmstat).
    maxWorkers: availableParallelism() + 1,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...SPAWN_THE_CLI, ...MOCK_MODULES, ...EXCLUDED],
          globalSetup: ['test/support/templates-setup.ts'],
          // One process per worker rather than per file: importing Fastify, Kysely, pg and the rest again for every
          // file cost about as much CPU as the files' own tests. These tests keep no state between files (no
          // mocks — see MOCK_MODULES —, no stubbed globals; each file closes what it opens).
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: MOCK_MODULES, exclude: [...configDefaults.exclude, ...EXCLUDED], globalSetup: ['test/support/templates-setup.ts'] } },
      {
        extends: true,
        test: {
          name: 'cli',
          include: SPAWN_THE_CLI,
          exclude: [...configDefaults.exclude, ...EXCLUDED],
          globalSetup: ['test/support/build-dist.ts'],
          // As in 'unit': one process per worker. The project alone, 2026-12-07: 397 → 378 s of CPU (importing the
          // fixtures and the in-process app again for every file cost 40 s; 15 s shared).
          isolate: false,
        },
      },
    ],
  },
});
