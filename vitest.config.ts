import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest runs (cores - 1) files at once: one on this 2-core machine, though most files wait on
    // fsync, child processes and databases. Two at once took the suite from 12.7 to 8.7 minutes
    // here with nothing failing, which keeps CI well inside its 30 minutes.
    maxWorkers: 2,
  },
});
