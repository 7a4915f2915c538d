// A temp directory that lives as long as one test: removed when the test ends, passed or failed (a test that makes
// one with createSqliteScratchDir alone leaves it in /tmp). Outside test-databases.ts because the benches import
// that file, and this one needs vitest's runner.
import { rmSync } from 'node:fs';
import { onTestFinished } from 'vitest';
import { createSqliteScratchDir } from './test-databases.js';

/** A new, empty temp directory (`prefix` names it), removed when the current test finishes. */
export function scratchDirForThisTest(prefix: string): string {
  const dir = createSqliteScratchDir(prefix);
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
