import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'jsdom',
    setupFiles: ['test/setup.ts'],
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/soak/**/*.test.ts'],
    testTimeout: 20_000,
    restoreMocks: true,
    unstubGlobals: true,
    // The soak measures its heap after a full GC.
    execArgv: ['--expose-gc'],
    // Inlined so that vi.resetModules() reloads them (tests that remove globals old engines lack).
    server: { deps: { inline: ['ky', 'idb-keyval'] } },
  },
});
