import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
    benchmark: { include: ['tests/bench/**/*.bench.ts'] },
    globalSetup: ['tests/helpers/global-setup.ts'],
    // each file gets its own database; files run in parallel on the 2-core CI machine
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // the first FerretDB build on a fresh machine happens in globalSetup and can take minutes
    teardownTimeout: 30_000,
  },
});
