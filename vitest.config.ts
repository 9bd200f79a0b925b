import { defineConfig } from 'vitest/config';

// One project per test tier (../shared/DESIGN.md §5). `make test` runs them all.
export default defineConfig({
  test: {
    // Quiet server/agent logs in test output; CASIM_LOG_LEVEL=info shows them.
    env: { CASIM_LOG_LEVEL: process.env.CASIM_LOG_LEVEL ?? 'warn' },
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 10_000 } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 300_000, fileParallelism: false } },
      // The web console in Debian's chromium (playwright-core): needs /usr/bin/chromium (.ci/run installs it).
      { test: { name: 'browser', include: ['test/browser/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } },
      { test: { name: 'compat', include: ['test/compat/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } },
    ],
  },
});
