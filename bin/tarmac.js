#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run automatically by `npm install` via `prepare`).
import module from 'node:module';

// V8's compiled code for dist/ and node_modules kept on disk between runs (Node 22.1+; NODE_DISABLE_COMPILE_CACHE=1
// turns it off): each command loads a few hundred modules, and compiling them is much of a short command's start-up.
module.enableCompileCache?.();
const { main } = await import('../dist/cli/main.js');

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 2;
  },
);
