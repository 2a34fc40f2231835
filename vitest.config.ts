import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // socket.io's uWS integration patches a process-wide prototype: one server per worker.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
