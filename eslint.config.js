import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      '.cache/',
      'test-results/',
      'demo-app/dist/',
      'demo-app/packages/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
      },
    },
  },
  {
    // Code that runs in a browser page, or hands functions to one (page.evaluate).
    files: ['test/e2e/pages/**/*.js', 'bench/**/*.js', 'scripts/bench.mjs'],
    languageOptions: {
      globals: { window: 'readonly', indexedDB: 'readonly', btoa: 'readonly', fetch: 'readonly' },
    },
  },
  {
    // Architecture: only the transport imports ky, only the storage layer imports idb-keyval.
    files: ['src/**/*.ts'],
    ignores: ['src/transport/http.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'ky', message: 'Only src/transport/http.ts may import ky.' }] },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/storage/idb.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'idb-keyval', message: 'Only src/storage/idb.ts may import idb-keyval.' },
          ],
        },
      ],
    },
  },
  {
    files: ['emulator/**/*.js'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../src/*', '../src'],
              message: 'The emulator imports nothing from the SDK.',
            },
          ],
        },
      ],
    },
  },
);
