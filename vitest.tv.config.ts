import { defineConfig } from 'vitest/config';

// Real TV-era Chromium builds (64, 69, 79) from the npm registry, against the built dist/.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/tv/**/*.tv.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
    fileParallelism: false,
  },
});
