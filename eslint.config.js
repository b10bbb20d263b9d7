// Workflow code and everything it bundles (domain/, cadences/) must stay deterministic: no Node
// built-ins, database or mail clients, no clock or randomness of their own, and no floating promises.
// The rest of the code base is checked by tsc alone.
const tseslint = require('typescript-eslint');

module.exports = tseslint.config({
  files: ['workflows/**/*.ts', 'cadences/**/*.ts', 'domain/**/*.ts'],
  extends: [tseslint.configs.base],
  languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: __dirname } },
  rules: {
    '@typescript-eslint/no-floating-promises': 'error',
    'no-restricted-properties': [
      'error',
      { object: 'Math', property: 'random', message: 'Deterministic code: no randomness of its own.' },
    ],
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['node:*', 'fs', 'path', 'crypto', 'http', 'https', 'net', 'child_process', 'os'],
            message: 'Workflow code is deterministic: no Node built-ins.',
          },
          {
            group: [
              'pg',
              'nodemailer',
              'express',
              '@temporalio/client',
              '@temporalio/worker',
              '../db',
              '../db/*',
              '../api/*',
              '../worker/*',
              '../../db',
              '../../db/*',
            ],
            message: 'Workflows do I/O only through activities.',
          },
          {
            group: ['../activities', '../activities/*'],
            allowTypeImports: true,
            message: 'Import activity types only (import type) and call them through proxyActivities.',
          },
        ],
      },
    ],
  },
});
