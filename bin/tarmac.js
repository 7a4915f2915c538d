#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ and bundled into dist/bundle/ by `npm run build` (run automatically by
// `npm install` via `prepare`; build/bundle-cli.ts says why it is bundled).
import module from 'node:module';
import v8 from 'node:v8';

// fetch's HTTP parser is WebAssembly (undici's llhttp). V8 compiles it quickly (Liftoff), then optimises it again in
// the background, and a process cannot end before that background work has: ~0.15 s at the end of every online
// command on Node 20, far more than the optimised parser saves on a command's few responses. The server's HTTP parser
// is native and no other WebAssembly runs here.
v8.setFlagsFromString('--liftoff-only');

// V8's compiled code for dist/ and node_modules kept on disk between runs (Node 22.1+; NODE_DISABLE_COMPILE_CACHE=1
// turns it off): each command loads a few hundred modules, and compiling them is much of a short command's start-up.
module.enableCompileCache?.();
const { main } = await import('../dist/bundle/main.js');

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 2;
  },
);
