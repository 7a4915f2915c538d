// The directory holding Tarmac's package.json. Files that ship beside the code (package.json itself, the built
// console in dist/web) are found from here, not by a relative path from the module asking: the same module runs from
// src/ (tests, through tsx), from dist/ (src/ compiled by build/compile-dist.ts) and from dist/bundle/ (the CLI as
// esbuild bundles it), each at its own depth.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  cached = dir;
  return dir;
}
