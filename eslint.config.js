import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers (README, Architecture): domain code knows neither HTTP nor SQL; HTTP talks to the domains and their
// ports, never to the database. Type-only imports count too.
const DOMAINS = [
  'src/model/**',
  'src/ports.ts',
  'src/hash/**',
  'src/csv/**',
  'src/tenants/**',
  'src/tokens/**',
  'src/registry/**',
  'src/directory/**',
  'src/profiles/**',
  'src/intune/**',
  'src/oobe/**',
  'src/lifecycle/**',
  'src/partners/**',
  'src/audit/**',
];
const SQL_PACKAGES = ['kysely', 'pg', 'better-sqlite3'];
const HTTP_PACKAGES = ['fastify', '@fastify/*', 'light-my-request'];
/** What domain code may not import (repeated in every block that sets no-restricted-imports: a later block's setting
 *  replaces an earlier one's for the files both match). */
const DOMAIN_IMPORT_PATTERNS = [
  { group: [...SQL_PACKAGES, ...HTTP_PACKAGES], message: 'Domain code knows neither SQL nor HTTP: declare what you need in the domain’s ports.ts.' },
  { group: ['**/http/**', '**/store/**'], message: 'Domain code may not import src/http or src/store: the store implements the domain’s ports, not the other way round.' },
];

// Browser-safe code (issue 10: the web console runs the codec and the CSV toolkit itself): everything in src/hash
// and src/csv except the Node entry points (index.ts), Node's byte primitives (platform-node.ts) and src/csv/node/.
// test/architecture/isomorphic.test.ts bundles browser.ts for the browser and runs it without any Node global.
const BROWSER_SAFE = ['src/hash/**/*.ts', 'src/csv/**/*.ts'];
const NODE_EDGES = ['src/hash/index.ts', 'src/hash/platform-node.ts', 'src/csv/index.ts', 'src/csv/node/**'];
const NODE_BUILTINS = ['node:*', ...builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => [m, `${m}/*`])];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'bench/results/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: DOMAINS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...DOMAIN_IMPORT_PATTERNS,
          ],
        },
      ],
    },
  },
  {
    files: BROWSER_SAFE,
    ignores: NODE_EDGES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...DOMAIN_IMPORT_PATTERNS,
            { group: NODE_BUILTINS, message: 'src/hash and src/csv run in the browser too: no Node built-in here (byte work goes through hash/platform.ts; files and streams live in src/csv/node/).' },
            { group: ['**/platform-node.js', '**/node/**', '**/hash/index.js', '**/csv/index.js'], message: 'Browser-safe code may not import the Node edges (platform-node.ts, src/csv/node/, the index.ts entry points): import the module itself.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['Buffer', 'process', 'global', 'require', '__dirname', '__filename', 'setImmediate'].map((name) => ({
          name,
          message: 'src/hash and src/csv run in the browser too: use Uint8Array and hash/platform.ts, no Node globals.',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "TSQualifiedName[left.name='NodeJS']", message: 'src/hash and src/csv run in the browser too: no NodeJS.* types.' },
      ],
    },
  },
  {
    files: ['src/http/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: SQL_PACKAGES, message: 'src/http reads and writes through the domains’ ports (app.registry.store, app.tenantsStore), never SQL.' },
          ],
        },
      ],
    },
  },
  {
    files: ['bin/**/*.js', 'bench/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
