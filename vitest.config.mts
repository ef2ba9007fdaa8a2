import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // e2e and integration tests start real processes and servers: keep them from piling up on 2 cores
    maxWorkers: 2,
    reporters: ['default'],
  },
});
