// Lint: typescript-eslint's type-checked rules (floating promises above all) and the module boundaries of DESIGN.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * DESIGN.md's module table: what each folder of src/ may import. Arrows point down; `domain` is pure (no Node APIs,
 * no I/O libraries); other folders are reached through their index.ts only.
 */
const MAY_USE = {
  domain: [],
  store: ['domain', 'threads'],
  auth: ['domain', 'store'],
  telephony: ['domain', 'store'],
  generator: ['domain', 'telephony'],
  events: ['domain', 'store', 'auth'],
  transfer: ['domain', 'store', 'threads'],
  sync: ['domain', 'store', 'transfer', 'events'],
  reports: ['domain', 'store'],
  threads: [],
  api: ['domain', 'store', 'auth', 'telephony', 'generator', 'events', 'transfer', 'sync', 'reports', 'threads'],
  cli: ['domain', 'store', 'auth', 'telephony', 'generator', 'events', 'transfer', 'sync', 'reports', 'threads', 'api'],
};
const MODULES = [...Object.keys(MAY_USE), 'web'];
/** Files other modules may import besides index.ts: the row builder decoder threads load without the store. */
const SECOND_ENTRIES = ['../store/call-log-row.ts'];
const IMPURE = ['node:*', 'fs', 'path', 'fastify', '@fastify/*', 'kysely', 'pg', 'pg-*', 'better-sqlite3'];

const boundaries = Object.entries(MAY_USE).map(([module, allowed]) => ({
  files: [`src/${module}/**/*.ts`],
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: MODULES.filter((m) => m !== module && !allowed.includes(m)).map((m) => `../${m}/*`),
            message: `DESIGN.md: ${module}/ may use ${allowed.join(', ') || 'no other module'}.`,
          },
          {
            group: ['../*/*', '!../*/index.ts', ...SECOND_ENTRIES.map((entry) => `!${entry}`)],
            message: 'Use the other module through its index.ts.',
          },
          ...(module === 'domain' ? [{ group: IMPURE, message: 'domain/ is pure: no Node APIs and no I/O.' }] : []),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/out/', 'web/dist/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...boundaries,
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
