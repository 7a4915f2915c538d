// Names what a run skipped for want of the real-hash corpus (suites and tests marked with `needsRealHashes`, see
// real-hashes.ts), so a fresh clone's green run says what it did not check. Listed after 'default' in
// vitest.config.ts; it prints nothing when nothing was skipped.
import path from 'node:path';
import type { Reporter, TestCase, TestModule, TestSuite, Vitest } from 'vitest/node';
import { REAL_DIR_NAME } from './real-hashes.js';

export default class RealHashesReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const files: string[] = [];
    let tests = 0;
    for (const module of testModules) {
      const skipped = skippedForCorpus(module);
      if (!skipped) continue;
      files.push(path.relative(process.cwd(), module.moduleId));
      tests += skipped.tests;
    }
    if (files.length === 0) return;
    const line =
      `real-hash corpus ${REAL_DIR_NAME} not found: skipped what needs it in ${files.length} file${files.length === 1 ? '' : 's'} ` +
      `(${tests} test${tests === 1 ? '' : 's'}): ${files.join(', ')}`;
    if (this.vitest) this.vitest.logger.log(line);
    else console.log(line);
  }
}

const marked = (entity: TestCase | TestSuite): boolean => entity.meta().needsRealHashes === true;

/**
 * Whether `module` skipped anything for want of the corpus, and how many tests. A skipped suite that builds its
 * tests from the corpus (it.each over it) has none, so the file is named even when the count is 0.
 */
function skippedForCorpus(module: TestModule): { tests: number } | undefined {
  const suites = [...module.children.allSuites()].filter((s) => marked(s) && s.state() === 'skipped');
  const underMarkedSuite = (test: TestCase): boolean => {
    for (let parent = test.parent; parent.type === 'suite'; parent = parent.parent) if (suites.includes(parent)) return true;
    return false;
  };
  const tests = [...module.children.allTests('skipped')].filter((t) => marked(t) || underMarkedSuite(t)).length;
  return suites.length > 0 || tests > 0 ? { tests } : undefined;
}
