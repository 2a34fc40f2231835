import { defineConfig } from 'vitest/config';

export default defineConfig({
  // @red-packet/sdk (the workspace package in shared/) from its TypeScript source.
  resolve: { conditions: ['rp-source'] },
  ssr: { resolve: { conditions: ['rp-source'], externalConditions: ['rp-source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // socket.io's uWS integration patches a process-wide prototype: one server per worker.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
