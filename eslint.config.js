// Flat config, type-aware. Layering rules follow ../shared/design/STYLE.md: common imports no app folder,
// pure core modules import no I/O and read no clock or randomness (time comes in as an argument).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const ioModules = [
  'mysql2',
  'mysql2/*',
  'fastify',
  'pino',
  'node:fs',
  'node:fs/promises',
  'node:net',
  'node:child_process',
  'node:dns',
  'node:http',
  'node:https',
];

// Named exports only (eslint-plugin-import-x was dropped: its native resolver breaks `npm ci` lock files on npm 11).
const noDefaultExport = { selector: 'ExportDefaultDeclaration', message: 'Prefer named exports.' };

const pureFiles = [
  'monitor/core/**/*.ts',
  'agent/reconcile.ts',
  'common/mysql/dialect.ts',
  'common/mysql/replica-status.ts',
  'common/mysql/gtid.ts',
  'common/mysql/flavor.ts',
  'common/mysql/rows.ts',
  'common/mysql/statement.ts',
  'monitor/checks/debounce.ts',
  'monitor/checks/messages.ts',
  'monitor/checks/metrics.ts',
  'monitor/checks/observation.ts',
  'monitor/checks/liveness-verdict.ts',
];

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.lab/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unnecessary-condition': 'warn',
      'no-restricted-syntax': ['error', noDefaultExport],
      eqeqeq: 'error',
      'no-console': 'error',
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  { files: ['*.config.*'], ...tseslint.configs.disableTypeChecked },
  { files: ['*.config.*'], rules: { 'no-restricted-syntax': 'off' } },
  {
    files: ['common/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/monitor/**', '**/agent/**', '**/control/**'] }],
    },
  },
  {
    files: ['monitor/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/agent/**', '**/control/**'] }] },
  },
  {
    files: ['agent/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/monitor/**', '**/control/**'] }] },
  },
  {
    files: ['control/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['mysql2', 'fastify'], patterns: ['**/monitor/**', '**/agent/**'] }],
    },
  },
  {
    files: pureFiles,
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ioModules, patterns: ['**/checks/**', '**/executor*', '**/api/server*'] },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'process'],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Time comes in as an argument in pure code.',
        },
        { selector: "NewExpression[callee.name='Date']", message: 'Time comes in as an argument in pure code.' },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'No randomness in pure code.',
        },
      ],
    },
  },
  {
    files: [
      'control/output.ts',
      'test/lab/cli.ts',
      'test/bench/**/*.ts',
      'test/demo/**/*.ts',
      '**/main.ts',
      'scripts/**/*.ts',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      'max-lines': 'off',
    },
  },
  prettier,
);
