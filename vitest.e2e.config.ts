import { defineConfig } from 'vitest/config';

// Browser end-to-end tests: real Chromium, real IndexedDB, against the built dist/.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
