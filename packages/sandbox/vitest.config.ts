import { defineConfig } from 'vitest/config';

// Tests start real sandbox processes; a runaway expression is given a second or two.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
