import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['properties/**/*.test.ts', 'test/**/*.test.ts', 'simulations/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // A passing run prints one line per file; per-test timings are benchmarks' business (GUIDE).
    slowTestThreshold: 60_000,
  },
});
