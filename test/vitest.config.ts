import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // Every test fails if an API response leaked a credential secret (support/secret-leak-check.ts).
    setupFiles: ['support/no-secret-leaks.setup.ts'],
  },
});
