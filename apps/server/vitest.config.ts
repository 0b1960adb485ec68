import { defineConfig } from 'vitest/config';

// Integration tests use a real PostgreSQL (one database per test file) and real HTTP servers.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // Every test fails if a response leaked a credential secret (test-support/known-secrets.ts).
    setupFiles: ['src/test-support/no-secret-leaks.setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
