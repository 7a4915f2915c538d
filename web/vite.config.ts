// The console's build (`npm run build` → dist/web, which `tarmac serve` serves at /) and dev server (`npm run dev`:
// hot reload on :5173, the API proxied to a Tarmac server on TARMAC_DEV_API, default http://127.0.0.1:8080).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { API_FIRST_SEGMENTS, TENANT_IDENTITY_PATH } from '../src/http/api-paths.js';

const OUT_DIR = fileURLToPath(new URL('../dist/web', import.meta.url));

/** Writes .br and .gz beside each built text file: `tarmac serve` sends them as they are (no compression per request). */
function precompress(): Plugin {
  return {
    name: 'tarmac-precompress',
    apply: 'build',
    closeBundle() {
      const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
      for (const file of walk(OUT_DIR).filter((f) => /\.(js|css|html|svg|json)$/.test(f))) {
        const bytes = readFileSync(file);
        if (bytes.length < 1024) continue;
        writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }));
        writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

const api = process.env.TARMAC_DEV_API ?? 'http://127.0.0.1:8080';
// Every path the console does not own goes to the API server: the same list the server uses (src/http/api-paths.ts).

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), precompress()],
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    // Each page is its own chunk (React.lazy); the first paint needs React, Fluent's core and the shell.
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  server: {
    host: '127.0.0.1',
    proxy: Object.fromEntries([
      ...API_FIRST_SEGMENTS.map((segment) => [`/${segment}`, api]),
      [TENANT_IDENTITY_PATH.source, api],
    ]),
  },
});
