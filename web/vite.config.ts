// The console's build (`npm run build` → dist/web, which `tarmac serve` serves at /) and dev server (`npm run dev`:
// hot reload on :5173, the API proxied to a Tarmac server on TARMAC_DEV_API, default http://127.0.0.1:8080).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.TARMAC_DEV_API ?? 'http://127.0.0.1:8080';
/** Every path the console does not own goes to the API server: Graph, Partner Center, OEM, OOBE, sign-in. */
const API_PATHS = ['/v1.0', '/beta', '/v1', '/oem', '/oobe', '/tarmac', '/docs', '/openapi.json', '/health', '/common', '/organizations'];

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // Each page is its own chunk (React.lazy); the first paint needs React, Fluent's core and the shell.
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  server: {
    host: '127.0.0.1',
    proxy: Object.fromEntries([
      ...API_PATHS.map((p) => [p, api]),
      // Tenant-scoped identity endpoints: /{tenant}/oauth2/…, /{tenant}/v2.0/.well-known/…, /{tenant}/discovery/…
      ['^/[^/]+/(oauth2|v2\\.0|discovery|\\.well-known)/', api],
    ]),
  },
});
