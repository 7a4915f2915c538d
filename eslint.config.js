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
];
const SQL_PACKAGES = ['kysely', 'pg', 'better-sqlite3'];
const HTTP_PACKAGES = ['fastify', '@fastify/*', 'light-my-request'];

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
            { group: [...SQL_PACKAGES, ...HTTP_PACKAGES], message: 'Domain code knows neither SQL nor HTTP: declare what you need in the domain’s ports.ts.' },
            { group: ['**/http/**', '**/store/**'], message: 'Domain code may not import src/http or src/store: the store implements the domain’s ports, not the other way round.' },
          ],
        },
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
